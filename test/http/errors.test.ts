// Every error leaves as RFC 9457 problem+json with the request id.
import { createRoute, z } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { describe, expect, it } from "vitest";
import { createRouter } from "../../src/router/http/app-env";
import { notFound, onError } from "../../src/router/http/error-handler";
import { call } from "../support/http";

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  request_id?: string;
  errors?: { in: string; field: string; message: string }[];
}

describe("unknown routes", () => {
  it("answer 404 problem+json naming the route, with the request id", async () => {
    const res = await call("/v1/no-such-thing", { method: "DELETE" });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const body = (await res.json()) as ProblemBody;
    expect(body).toMatchObject({ type: "/problems/not-found", status: 404, instance: "/v1/no-such-thing" });
    expect(body.detail).toContain("DELETE /v1/no-such-thing");
    expect(body.request_id).toBe(res.headers.get("X-Request-Id"));
  });
});

describe("the shared validation hook and error handler", () => {
  // A route group built exactly as the real ones are.
  const app = createRouter();
  app.use(requestId());
  app.onError(onError);
  app.notFound(notFound);
  app.openapi(
    createRoute({
      method: "post",
      path: "/things/{id}",
      request: {
        params: z.object({ id: z.string().regex(/^thing_\d+$/) }),
        body: {
          content: {
            "application/json": {
              schema: z.object({ name: z.string().min(1), settings: z.object({ timezone: z.string() }) }),
            },
          },
          required: true,
        },
      },
      responses: { 200: { description: "ok" } },
    }),
    (c) => c.json({ ok: true }, 200),
  );
  app.get("/boom", () => {
    throw new Error("secret internals");
  });

  const post = (path: string, body: string) =>
    app.request(path, { method: "POST", body, headers: { "Content-Type": "application/json" } });

  it("answers 400 naming the failing body field", async () => {
    const res = await post("/things/thing_1", JSON.stringify({ name: "x", settings: { timezone: 5 } }));
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const body = (await res.json()) as ProblemBody;
    expect(body.type).toBe("/problems/validation");
    expect(body.errors).toEqual([expect.objectContaining({ in: "body", field: "settings.timezone" })]);
    expect(body.detail).toContain('"settings.timezone"');
  });

  it("answers 400 naming a bad path parameter", async () => {
    const res = await post("/things/other", JSON.stringify({ name: "x", settings: { timezone: "UTC" } }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as ProblemBody;
    expect(body.errors?.[0]).toMatchObject({ in: "param", field: "id" });
  });

  it("answers 400 malformed-json for a body that is not JSON", async () => {
    const res = await post("/things/thing_1", "{not json");
    expect(res.status).toBe(400);
    const body = (await res.json()) as ProblemBody;
    expect(body.type).toBe("/problems/malformed-json");
  });

  it("answers 500 without leaking the error, and with the request id", async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const res = await app.request("/boom");
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toContain("secret internals");
      const body = JSON.parse(text) as ProblemBody;
      expect(body.type).toBe("/problems/internal");
      expect(body.request_id).toBe(res.headers.get("X-Request-Id"));
      expect(errors).toHaveLength(1);
    } finally {
      console.error = original;
    }
  });
});

describe("request bodies", () => {
  it("over 1 MiB answer 413 problem+json", async () => {
    const res = await call("/v1/health", { method: "POST", body: "x".repeat(1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  });
});
