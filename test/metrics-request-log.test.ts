import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RunningPresque, startPresque } from "../src/app/start-presque.ts";
import { defaultConfig } from "../src/config/config.ts";
import { createJsonLogger } from "../src/log.ts";
import { curl } from "./support/curl.ts";

/** A real server whose pino log lines are collected, parsed. */
let presque: RunningPresque;
let url: string;
const lines: Record<string, unknown>[] = [];
beforeAll(async () => {
  const log = createJsonLogger((line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  presque = await startPresque(
    {
      ...defaultConfig,
      host: "127.0.0.1",
      port: 0,
      redis: { url: inject("redisUrl") },
      prefix: `t${randomBytes(4).toString("hex")}`,
    },
    log,
  );
  url = `http://127.0.0.1:${presque.port}`;
});
afterAll(() => presque.stop());

const requestLines = () => lines.filter((line) => line.msg === "request");

describe("request ids and request logs", () => {
  it("echoes the caller's x-request-id and logs one line with it", async () => {
    const answer = await curl(`${url}/q/logged`, "-X", "POST", "-d", "1", "-H", "x-request-id: trace-me-42");
    expect(answer.headers["x-request-id"]).toBe("trace-me-42");
    const line = requestLines().find((l) => l.requestId === "trace-me-42");
    expect(line).toMatchObject({ level: "info", method: "POST", path: "/q/logged", status: 201 });
    expect(typeof line?.durationMs).toBe("number");
    expect(typeof line?.time).toBe("string");
  });

  it("makes up an id when the caller sent none (or an unusable one)", async () => {
    const fresh = await curl(`${url}/healthz`);
    const replaced = await curl(`${url}/healthz`, "-H", `x-request-id: ${"x".repeat(200)}`);
    for (const answer of [fresh, replaced]) {
      expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(fresh.headers["x-request-id"]).not.toBe(replaced.headers["x-request-id"]);
  });

  it("logs RPC calls by procedure, with the same id header", async () => {
    const answer = await curl(
      `${url}/presque.v1.StatsService/GetStats`,
      "-H",
      "content-type: application/json",
      "-H",
      "x-request-id: rpc-1",
      "-d",
      "{}",
    );
    expect(answer.headers["x-request-id"]).toBe("rpc-1");
    expect(requestLines().find((l) => l.requestId === "rpc-1")).toMatchObject({
      method: "POST",
      path: "/presque.v1.StatsService/GetStats",
      status: 200,
    });
  });
});

describe("log_requests: false", () => {
  it("keeps the request id header but writes no request lines", async () => {
    const quietLines: Record<string, unknown>[] = [];
    const quiet = await startPresque(
      {
        ...defaultConfig,
        host: "127.0.0.1",
        port: 0,
        redis: { url: inject("redisUrl") },
        prefix: `t${randomBytes(4).toString("hex")}`,
        logRequests: false,
      },
      createJsonLogger((line) => quietLines.push(JSON.parse(line) as Record<string, unknown>)),
    );
    try {
      const answer = await curl(`http://127.0.0.1:${quiet.port}/healthz`, "-H", "x-request-id: quiet-1");
      expect(answer.headers["x-request-id"]).toBe("quiet-1");
      expect(quietLines.filter((line) => line.msg === "request")).toEqual([]);
    } finally {
      await quiet.stop();
    }
  });
});
