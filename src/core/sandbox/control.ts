// The sandbox's control panel, for tests, demos and developers: read counters and
// posts, switch faults on, create users, expire tokens, reset. Over HTTP it needs
// the operator's ADMIN_TOKEN; tests call the same operations by RPC.
import { Hono } from "hono";
import { z } from "zod";
import { sha256, timingSafeEqual, utf8 } from "../crypto/encoding";
import { ENDPOINTS, FAULT_KINDS, type SandboxStore } from "./store";

export const FaultInput = z.object({
  kind: z.enum(FAULT_KINDS),
  endpoint: z.enum([...ENDPOINTS, "*"]).default("*"),
  user_id: z.string().min(1).max(64).nullable().default(null),
  count: z.number().int().min(1).max(10_000).default(1),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type FaultInput = z.input<typeof FaultInput>;

export function addFault(store: SandboxStore, input: FaultInput): number {
  const fault = FaultInput.parse(input);
  return store.addFault({
    endpoint: fault.endpoint,
    userId: fault.user_id,
    kind: fault.kind,
    remaining: fault.count,
    params: fault.params,
  });
}

/**
 * True when `header` carries the operator's token. Compared in constant time over
 * SHA-256 digests, so neither the token's bytes nor its length shape the timing.
 */
async function isOperator(header: string | undefined, adminToken: string): Promise<boolean> {
  if (!adminToken || !header?.startsWith("Bearer ")) return false;
  const [presented, expected] = await Promise.all([sha256(utf8(header.slice(7))), sha256(utf8(adminToken))]);
  return timingSafeEqual(presented, expected);
}

export function controlApp(store: SandboxStore, adminToken: string): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    if (!(await isOperator(c.req.header("Authorization"), adminToken))) {
      return c.json({ error: "the sandbox control panel needs the operator's ADMIN_TOKEN" }, 401);
    }
    await next();
  });
  app.get("/state", (c) =>
    c.json({ counters: store.counters(c.req.query("user_id")), posts: store.posts(c.req.query("user_id")) }),
  );
  app.post("/faults", async (c) => {
    const parsed = FaultInput.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.issues }, 400);
    return c.json({ id: addFault(store, parsed.data) }, 201);
  });
  app.delete("/faults", (c) => {
    store.clearFaults();
    return c.body(null, 204);
  });
  app.post("/users/:id/expire-tokens", (c) => c.json({ expired: store.expireAccessTokens(c.req.param("id")) }));
  // The media-processing clock (clock.ts): moves forward, never back.
  app.post("/clock", async (c) => {
    const parsed = z
      .object({
        advance_seconds: z
          .number()
          .int()
          .min(0)
          .max(7 * 86_400),
      })
      .safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.issues }, 400);
    return c.json({ offset_ms: store.advanceClock(parsed.data.advance_seconds * 1000) });
  });
  app.post("/reset", (c) => {
    store.reset();
    return c.body(null, 204);
  });
  return app;
}
