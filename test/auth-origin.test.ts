import { describe, expect, it } from "vitest";
import { bearer, testKey, withKeys } from "./support/auth-keys.ts";
import { curl } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";

// What a browser may make presque do (issue #11 point 5), whatever the auth setting: the Host
// must be presque's own, and requests a browser marks as cross-site are refused.
const key = testKey("full", ["*"]);
const off = useTestServer();
const on = useTestServer({ ...withKeys([key]), cors: { allowedOrigins: ["https://app.example"] } });

describe.each([
  ["auth off", off, {}],
  ["auth on", on, bearer(key)],
] as const)("the origin policy, %s", (_, presque, auth) => {
  const headers = (extra: Record<string, string>) =>
    Object.entries({ ...auth, ...extra }).flatMap(([name, value]) => ["-H", `${name}: ${value}`]);

  it("refuses a Host that is not one of presque's names (DNS rebinding), before anything changes", async () => {
    const answer = await curl(
      "-X",
      "POST",
      `${presque.url}/q/rebind`,
      ...headers({ host: "evil.example", "content-type": "application/json" }),
      "-d",
      "{}",
    );
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({
      code: "permission_denied",
      message: expect.stringContaining("evil.example"),
    });
    const info = await curl(`${presque.url}/j/rebind`, ...headers({}));
    expect(JSON.parse(info.body)).toMatchObject({ enqueued: 0 });
  });

  it("answers its own names: localhost, 127.0.0.1, [::1]", async () => {
    for (const host of [
      `localhost:${presque.server.port}`,
      `127.0.0.1:${presque.server.port}`,
      `[::1]:${presque.server.port}`,
      "LOCALHOST",
    ]) {
      expect((await curl(`${presque.url}/stats`, ...headers({ host }))).status, host).toBe(200);
    }
  });

  it("refuses what a page on another site sends: Sec-Fetch-Site cross-site or same-site, a foreign Origin", async () => {
    const foreign: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "https://evil.example" },
      { origin: "null" },
    ];
    for (const extra of foreign) {
      const answer = await curl(
        "-X",
        "POST",
        `${presque.url}/control/xsite`,
        ...headers({ ...extra, "content-type": "application/json" }),
        "-d",
        '{"status":"stop"}',
      );
      expect(answer.status, JSON.stringify(extra)).toBe(403);
      const take = await curl(`${presque.url}/qb/xsite?batch_size=10`, ...headers(extra));
      expect(take.status, JSON.stringify(extra)).toBe(403);
    }
    const control = await curl(`${presque.url}/control/xsite`, ...headers({}));
    expect(JSON.parse(control.body)).toMatchObject({ stopped: false });
  });

  it("serves its own pages: same-origin, a typed URL (none), or the own Origin", async () => {
    const own: Record<string, string>[] = [
      { "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "none" },
      { origin: presque.url },
    ];
    for (const extra of own) {
      expect((await curl(`${presque.url}/stats`, ...headers(extra))).status, JSON.stringify(extra)).toBe(200);
    }
  });

  it("leaves health checks alone, whatever the Host (probes use the pod's address)", async () => {
    expect((await curl(`${presque.url}/healthz`, "-H", "host: 10.1.2.3:5000")).status).toBe(200);
  });
});

describe("with auth on", () => {
  it("refuses the content types a cross-site form can send on body routes (415), and changes nothing", async () => {
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      const answer = await curl(
        "-X",
        "POST",
        `${on.url}/q/forms`,
        "-H",
        `authorization: Bearer ${key.secret}`,
        "-H",
        `content-type: ${type}`,
        "-d",
        "{}",
      );
      expect(answer.status, type).toBe(415);
      expect(JSON.parse(answer.body).code).toBe("invalid_argument");
    }
    const info = await curl(`${on.url}/j/forms`, "-H", `authorization: Bearer ${key.secret}`);
    expect(JSON.parse(info.body)).toMatchObject({ enqueued: 0 });
  });

  it("still takes presque 2010's form-encoded curl -d while auth is off", async () => {
    expect((await curl("-X", "POST", `${off.url}/q/forms`, "-d", '{"a":1}')).status).toBe(201);
  });

  it("lets an allowed origin in, with CORS headers and an answered preflight", async () => {
    const preflight = await curl(
      "-X",
      "OPTIONS",
      `${on.url}/q/cors`,
      "-H",
      "origin: https://app.example",
      "-H",
      "access-control-request-method: POST",
      "-H",
      "access-control-request-headers: authorization, content-type",
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      "access-control-allow-origin": "https://app.example",
      "access-control-allow-headers": "authorization, content-type",
    });
    const answer = await curl(
      "-X",
      "POST",
      `${on.url}/q/cors`,
      "-H",
      "origin: https://app.example",
      "-H",
      "sec-fetch-site: cross-site",
      "-H",
      `authorization: Bearer ${key.secret}`,
      "-H",
      "content-type: application/json",
      "-d",
      "{}",
    );
    expect(answer.status).toBe(201);
    expect(answer.headers["access-control-allow-origin"]).toBe("https://app.example");
    expect(answer.headers["access-control-expose-headers"]).toContain("location");
  });

  it("gives another origin no CORS headers and no preflight", async () => {
    const preflight = await curl(
      "-X",
      "OPTIONS",
      `${on.url}/q/cors`,
      "-H",
      "origin: https://evil.example",
      "-H",
      "access-control-request-method: POST",
    );
    expect(preflight.status).toBe(405);
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
  });
});
