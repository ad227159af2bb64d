// Durable Objects follow the tenant: an EU tenant's TenantObject is asked for in the
// `eu` jurisdiction, the others get a location hint for their region. workerd has no
// jurisdictions (it refuses namespace.jurisdiction), so development mode asks for the
// hint alone; these tests check the production choice against a namespace that
// records what it is asked for.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { objectPlacement, tenantNamespace } from "../../src/router/objects";

function productionEnv(calls: string[]): Env {
  const recording = {
    jurisdiction(name: string) {
      calls.push(name);
      return { jurisdictionOf: name };
    },
  };
  return { ...env, DO_JURISDICTIONS: undefined, TenantObject: recording } as unknown as Env;
}

describe("where a tenant's object is created", () => {
  it("puts an EU tenant's object in the eu jurisdiction in production, with a western-Europe hint", () => {
    const calls: string[] = [];
    const production = productionEnv(calls);
    expect(objectPlacement(production, "eu-west")).toEqual({ jurisdiction: "eu", locationHint: "weur" });
    expect(tenantNamespace(production, "eu-west")).toEqual({ jurisdictionOf: "eu" });
    expect(calls).toEqual(["eu"]);
  });

  it("gives the other regions a location hint and no jurisdiction", () => {
    const calls: string[] = [];
    const production = productionEnv(calls);
    expect(objectPlacement(production, "us-east")).toEqual({ locationHint: "enam" });
    expect(objectPlacement(production, "ap-southeast")).toEqual({ locationHint: "apac" });
    expect(tenantNamespace(production, "us-east")).toBe(production.TenantObject);
    expect(calls).toEqual([]);
  });

  it("asks for the hint alone in development mode, where workerd has no jurisdictions", () => {
    expect(env.DO_JURISDICTIONS).toBe("not-in-workerd");
    expect(objectPlacement(env, "eu-west")).toEqual({ locationHint: "weur" });
    expect(tenantNamespace(env, "eu-west")).toBe(env.TenantObject);
  });
});
