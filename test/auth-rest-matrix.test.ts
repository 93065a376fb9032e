import { describe, expect, it } from "vitest";
import type { Access } from "../src/auth/access.ts";
import { verbs } from "../src/auth/scope.ts";
import { bearer, scopesWithout, type TestKey, testKey, withKeys } from "./support/auth-keys.ts";
import { useTestServer } from "./support/presque-server.ts";

// Generated from the route table: every route, whatever it is, is checked here, so a new route
// cannot skip auth.
const full = testKey("full", ["*"]);
const elsewhere = testKey("elsewhere", ["*:zz-elsewhere"]);
const without = Object.fromEntries(verbs.map((verb) => [verb, testKey(`no-${verb}`, scopesWithout(verb))]));
const presque = useTestServer(
  withKeys([full, elsewhere, ...Object.values(without)], { maxFailures: 1_000_000 }),
);

const seeded = "am-q";
const samplePath = (pattern: string, queue: string) =>
  pattern
    .replace(/:queue/g, queue)
    .replace(/:id/g, "1")
    .replace(/:\w+/g, "x")
    .replace("*", "app.js");

async function call(method: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${presque.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: method === "GET" || method === "DELETE" ? undefined : "{}",
  });
  const text = await response.text();
  return { status: response.status, text, headers: response.headers };
}

const refusedWith = async (status: number, code: string, answer: Awaited<ReturnType<typeof call>>) => {
  expect(answer.status, answer.text).toBe(status);
  expect(JSON.parse(answer.text)).toEqual({ code, message: expect.any(String) });
};

/** The keys that must be refused (403) for a route with this access. */
function deniedKeys(access: Access): TestKey[] {
  switch (access.kind) {
    case "public":
    case "authenticated":
      return [];
    case "queue":
    case "everyQueue":
      return [elsewhere, without[access.verb] as TestKey];
    case "someQueue":
      return [without[access.verb] as TestKey];
  }
}

describe("every REST route checks the key (generated from the route table)", () => {
  it("seeds a queue the refused requests must leave alone", async () => {
    const answer = await call("POST", `/q/${seeded}`, bearer(full));
    expect(answer.status).toBe(201);
  });

  it("has routes of every kind", () => {
    const kinds = new Set(presque.server.routes.map((route) => route.access.kind));
    expect([...kinds].sort()).toEqual(["authenticated", "everyQueue", "public", "queue", "someQueue"]);
  });

  it("answers 401 without a key, or with an unknown one, on every route but the public ones", async () => {
    for (const route of presque.server.routes) {
      const path = samplePath(route.path, seeded);
      if (route.access.kind === "public") {
        const answer = await call(route.method, path);
        expect([401, 403], `${route.method} ${route.path}`).not.toContain(answer.status);
        continue;
      }
      const none = await call(route.method, path);
      await refusedWith(401, "unauthenticated", none);
      expect(none.headers.get("www-authenticate")).toBe('Bearer realm="presque"');
      await refusedWith(
        401,
        "unauthenticated",
        await call(route.method, path, { authorization: "Bearer pq_nope" }),
      );
      await refusedWith(
        401,
        "unauthenticated",
        await call(route.method, path, { authorization: "Basic eDp5" }),
      );
    }
  });

  it("answers 403 to a key without the scope the route needs", async () => {
    for (const route of presque.server.routes) {
      for (const key of deniedKeys(route.access)) {
        const answer = await call(route.method, samplePath(route.path, seeded), bearer(key));
        await refusedWith(403, "permission_denied", answer);
        expect(JSON.parse(answer.text).message).toContain(key.entry.name);
      }
    }
  });

  it("lets a key with the scope through (on a queue of its own)", async () => {
    for (const route of presque.server.routes) {
      if (route.path.endsWith("/stream")) continue; // an open stream: the SSE tests cover it
      const answer = await call(route.method, samplePath(route.path, "am-full"), bearer(full));
      expect([401, 403], `${route.method} ${route.path}: ${answer.text}`).not.toContain(answer.status);
    }
  });

  it("changed nothing with the refused requests", async () => {
    const info = await call("GET", `/j/${seeded}`, bearer(full));
    expect(JSON.parse(info.text)).toMatchObject({ queue: seeded, ready: 1, stopped: false, enqueued: 1 });
  });
});
