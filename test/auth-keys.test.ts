import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import { startPresque } from "../src/app/start-presque.ts";
import { defaultConfig } from "../src/config/config.ts";
import type { Logger } from "../src/log.ts";
import { bearer, testKey, withKeys } from "./support/auth-keys.ts";
import { curl } from "./support/curl.ts";
import { startTestServer, useTestServer } from "./support/presque-server.ts";
import { spawnPresque } from "./support/spawn-presque.ts";

const dir = mkdtempSync(join(tmpdir(), "presque-auth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A logger that keeps its lines, to read audit lines and warnings. */
function keptLog() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const logger: Logger = {
    info: (message, fields = {}) => lines.push({ level: "info", message, fields }),
    warn: (message, fields = {}) => lines.push({ level: "warn", message, fields }),
    error: (message, fields = {}) => lines.push({ level: "error", message, fields }),
  };
  return { logger, lines };
}

const worker = testKey("billing-worker", ["consume:billing.*", "produce:mail"]);
const reader = testKey("reader", ["read:*"]);
const presque = useTestServer(withKeys([worker, reader], { maxFailures: 3, failureWindowMs: 60_000 }));
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${presque.url}${path}`, { headers }).then(async (r) => ({
    status: r.status,
    body: await r.text(),
    headers: r.headers,
  }));

describe("API keys and scopes", () => {
  it("a scoped key does what its scopes say, per queue pattern", async () => {
    const post = (queue: string) =>
      fetch(`${presque.url}/q/${queue}`, {
        method: "POST",
        headers: { ...bearer(worker), "content-type": "application/json" },
        body: "{}",
      });
    expect((await post("mail")).status).toBe(201);
    expect((await post("billing.invoices")).status).toBe(403); // consume, not produce
    expect((await get("/qb/billing.invoices?batch_size=1", bearer(worker))).status).toBe(204);
    expect((await get("/qb/mail?batch_size=1", bearer(worker))).status).toBe(403);
  });

  it("shows a key only the queues it may read", async () => {
    await fetch(`${presque.url}/q/mail`, {
      method: "POST",
      headers: { ...bearer(worker), "content-type": "application/json" },
      body: "{}",
    });
    const all = JSON.parse((await get("/stats", bearer(reader))).body) as { queues: { queue: string }[] };
    expect(all.queues.map((q) => q.queue)).toContain("mail");
    const whoami = JSON.parse((await get("/auth/whoami", bearer(worker))).body);
    expect(whoami).toEqual({
      auth: true,
      key: "billing-worker",
      scopes: ["consume:billing.*", "produce:mail"],
    });
    expect((await get("/stats", bearer(worker))).status).toBe(403); // no read scope at all
  });

  it("/metrics needs read on every queue", async () => {
    expect((await get("/metrics")).status).toBe(401);
    expect((await get("/metrics", bearer(worker))).status).toBe(403);
    expect((await get("/metrics", bearer(reader))).status).toBe(200);
  });

  it("slows an address that keeps guessing: 429 with Retry-After, even for a good key, until the window ends", async () => {
    for (let i = 0; i < 3; i++)
      expect((await get("/stats", { authorization: "Bearer pq_guess" })).status).toBe(401);
    const blocked = await get("/stats", { authorization: "Bearer pq_guess" });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(JSON.parse(blocked.body).code).toBe("resource_exhausted");
    expect((await get("/stats", bearer(reader))).status).toBe(429);
    expect((await get("/healthz")).status).toBe(200);
  });
});

describe("listening beyond loopback", () => {
  const config = { ...defaultConfig, port: 0, redis: { url: "redis://127.0.0.1:1" } };

  it("is refused without keys, before anything starts", async () => {
    await expect(startPresque({ ...config, host: "0.0.0.0" }, keptLog().logger)).rejects.toThrow(
      /refusing to listen on 0.0.0.0 without API keys.*--insecure-no-auth/,
    );
  });

  it("with --insecure-no-auth, warns at start", async () => {
    const { logger, lines } = keptLog();
    const server = await startTestServer(
      { host: "0.0.0.0", auth: { ...defaultConfig.auth, insecureNoAuth: true } },
      logger,
    );
    await server.stop();
    expect(lines.some((line) => line.level === "warn" && /INSECURE/.test(line.message))).toBe(true);
  });
});

describe("audit", () => {
  it("writes one line per admin action, with the key's name and the outcome", async () => {
    const admin = testKey("ops", ["admin:*"]);
    const { logger, lines } = keptLog();
    const server = await startTestServer(withKeys([admin]), logger);
    try {
      const purge = await curl(
        "-X",
        "DELETE",
        `${server.baseUrl}/q/audited`,
        "-H",
        `authorization: Bearer ${admin.secret}`,
      );
      expect(purge.status).toBe(200);
      const rpc = await fetch(`${server.baseUrl}/presque.v1.ControlService/StopQueue`, {
        method: "POST",
        headers: { ...bearer(admin), "content-type": "application/json" },
        body: JSON.stringify({ queue: "audited" }),
      });
      expect(rpc.status).toBe(200);
    } finally {
      await server.stop();
    }
    const audits = lines.filter((line) => line.message === "audit").map((line) => line.fields);
    expect(audits).toEqual([
      expect.objectContaining({ key: "ops", action: "DELETE /q/:queue", queues: ["audited"], outcome: 200 }),
      expect.objectContaining({
        key: "ops",
        action: "presque.v1.ControlService/StopQueue",
        queues: ["audited"],
        outcome: "ok",
      }),
    ]);
  });
});

describe("presque serve with a keys file", () => {
  it("takes new keys on SIGHUP without a restart, and keeps the old ones when the file is bad", async () => {
    const first = testKey("first", ["*"]);
    const second = testKey("second", ["*"]);
    const keysFile = join(dir, "keys.yaml");
    writeFileSync(keysFile, stringify({ keys: [first.entry] }));
    const served = await spawnPresque([], {
      REDIS_URL: inject("redisUrl"),
      PRESQUE_AUTH_KEYS_FILE: keysFile,
    });
    try {
      const status = (key: typeof first) =>
        fetch(`${served.baseUrl}/stats`, { headers: bearer(key) }).then((r) => r.status);
      expect(await status(first)).toBe(200);
      expect(await status(second)).toBe(401);
      writeFileSync(keysFile, stringify({ keys: [second.entry] }));
      served.child.kill("SIGHUP");
      await served.logLine(/API keys reloaded/);
      expect(await status(second)).toBe(200);
      expect(await status(first)).toBe(401);
      writeFileSync(keysFile, "keys: [{name: broken}]\n");
      served.child.kill("SIGHUP");
      await served.logLine(/reload failed/);
      expect(await status(second)).toBe(200);
      // The log has the keys' names, never their secrets.
      expect(served.logs.join("\n")).toContain("second");
      for (const key of [first, second]) expect(served.logs.join("\n")).not.toContain(key.secret);
    } finally {
      await served.terminate();
    }
  });
});
