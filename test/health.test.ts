import { createHash } from "node:crypto";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus as Status } from "../gen/grpc/health/v1/health_pb.ts";
import { createRedisHealth } from "../src/engine/store/redis-health.ts";
import { readScripts } from "../src/engine/store/script-loader.ts";
import { createReadiness } from "../src/health/readiness.ts";
import { curl, json } from "./support/curl.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

let server: TestServer;
let session: Http2SessionManager;
let health: ReturnType<typeof createClient<typeof Health>>;
beforeAll(async () => {
  server = await startTestServer();
  session = new Http2SessionManager(server.baseUrl);
  health = createClient(Health, createGrpcTransport({ baseUrl: server.baseUrl, sessionManager: session }));
});
afterAll(async () => {
  session.abort();
  await server.stop();
});

describe("REST probes", () => {
  it("GET /healthz says the process is alive", async () => {
    const answer = await curl(`${server.baseUrl}/healthz`);
    expect(answer.status).toBe(200);
    expect(json(answer)).toEqual({ status: "ok" });
  });

  it("GET /readyz says ready when Redis answers and has the scripts", async () => {
    const answer = await curl(`${server.baseUrl}/readyz`);
    expect(answer.status).toBe(200);
    expect(json(answer)).toEqual({ status: "ready", redis: "ok", scripts: "ok" });
  });
});

describe("readiness", () => {
  it("leaves every Lua script loaded in Redis when it reports ready", async () => {
    const redis = new Redis(inject("redisUrl"));
    try {
      expect((await createReadiness(createRedisHealth(redis))()).ready).toBe(true);
      const shas = readScripts().map((script) => createHash("sha1").update(script.lua).digest("hex"));
      expect(await redis.script("EXISTS", ...shas)).toEqual(shas.map(() => 1));
    } finally {
      redis.disconnect();
    }
  });

  it("is not ready, with the reason, when Redis cannot be reached", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const redis = new Redis({
      host: "127.0.0.1",
      port: 1,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on("error", () => {});
    try {
      const report = await createReadiness(createRedisHealth(redis))();
      expect(report.ready).toBe(false);
      expect(report.checks.redis).not.toBe("ok");
    } finally {
      redis.disconnect();
    }
  });
});

describe("grpc.health.v1.Health over gRPC", () => {
  it("reports the server and each presque service as SERVING", async () => {
    expect((await health.check({ service: "" })).status).toBe(Status.SERVING);
    expect((await health.check({ service: "presque.v1.QueueService" })).status).toBe(Status.SERVING);
    expect((await health.check({ service: "grpc.health.v1.Health" })).status).toBe(Status.SERVING);
  });

  it("answers NOT_FOUND for a service it does not serve", async () => {
    const error = await health.check({ service: "no.such.Service" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.NotFound);
  });

  it("streams the current status at once on Watch", async () => {
    const watch = new AbortController();
    for await (const answer of health.watch({ service: "" }, { signal: watch.signal })) {
      expect(answer.status).toBe(Status.SERVING);
      break;
    }
  });
});
