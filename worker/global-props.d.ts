// What the runtime's types learn from this Worker's entry: its main module (the
// type of `exports` from cloudflare:workers in tests) and its Durable Object classes.
// Declared beside the entry, not in src/, which knows the objects by their contracts only.
declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "TenantObject" | "SandboxPlatform" | "VectorIndexObject";
    }
  }
}

export {};
