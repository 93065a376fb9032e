import { describe, expect, it } from "vitest";
import { open } from "../src/auth/access.ts";
import { everything } from "../src/auth/grant.ts";
import type { RequestGate } from "../src/auth/request-gate.ts";
import { silentLogger } from "../src/log.ts";
import { createRestRouter, type RestRoute, route } from "../src/rest/router.ts";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";

const presque = useTestServer();

/** A concrete path for a pattern: every parameter gets a plausible value. */
const samplePath = (pattern: string) =>
  pattern
    .replace(/:queue/g, "table-q")
    .replace(/:id/g, "1")
    .replace(/:\w+/g, "x")
    .replace("*", "app.js");

const openGate: RequestGate = { authOn: false, admit: () => everything };
const routerDeps = { gate: openGate, log: silentLogger, onUnexpected: () => {} };

describe("the REST route table", () => {
  it("matches the same route whatever the order of the table", () => {
    const noop = () => {};
    const table = presque.server.routes.map((r) =>
      route(r.method as RestRoute["method"], r.path, open, noop),
    );
    const forward = createRestRouter(table, routerDeps);
    const backward = createRestRouter([...table].reverse(), routerDeps);
    for (const { path } of table) {
      expect(backward.patternOf(samplePath(path))).toBe(forward.patternOf(samplePath(path)));
      expect(forward.patternOf(samplePath(path))).toBe(path);
    }
    // the cases a first-match router got wrong when the order was off
    expect(backward.patternOf("/q/foo/stream")).toBe("/q/:queue/stream");
    expect(backward.patternOf("/q/foo/jobs")).toBe("/q/:queue/jobs");
  });

  it("refuses a pattern given twice instead of silently keeping one", () => {
    const noop = () => {};
    expect(() =>
      createRestRouter(
        [route("GET", "/q/:queue", open, noop), route("GET", "/q/:queue", open, noop)],
        routerDeps,
      ),
    ).toThrow();
  });

  it("labels every route's metrics with its own pattern", async () => {
    // OPTIONS is no route's method: each answers 405 and runs nothing, and is still labelled.
    for (const { path } of presque.server.routes) {
      expect((await curl("-X", "OPTIONS", `${presque.url}${samplePath(path)}`)).status).toBe(405);
    }
    await curl("-X", "OPTIONS", `${presque.url}/no/such/route/here`);
    const metrics = (await curl(`${presque.url}/metrics`)).body;
    for (const { path } of presque.server.routes) {
      expect(metrics).toContain(`presque_requests_total{route="${path}",method="OPTIONS",status="405"}`);
    }
    expect(metrics).toContain('route="unmatched",method="OPTIONS",status="404"');
  });

  it("refuses a query parameter a route does not take, on every route, before running it", async () => {
    for (const { method, path, query } of presque.server.routes) {
      const answer = await curl("-X", method, `${presque.url}${samplePath(path)}?bogus=1`, "-d", "{}");
      expect(answer.status, `${method} ${path}`).toBe(400);
      const takes = query.length > 0 ? `this route takes ${query.join(", ")}` : "this route takes none";
      expect(json(answer), `${method} ${path}`).toEqual({
        code: "invalid_argument",
        message: `unknown query parameter "bogus": ${takes}`,
      });
    }
    // nothing ran: the enqueues stored nothing, the purge and the delete did not happen
    const info = json(await curl(`${presque.url}/j/table-q`)) as { enqueued: number };
    expect(info.enqueued).toBe(0);
  });
});
