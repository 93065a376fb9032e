import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import http2 from "node:http2";
import { connect } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { expect, it } from "vitest";
import { type SpawnedPresque, spawnPresque } from "./support/spawn-presque.ts";
import { startThrowawayRedis } from "./support/throwaway-redis.ts";

// Issue 9, defect 8: at each Redis restart the log got plain-text "[ioredis] Unhandled error event"
// lines, and client aborts and 503s were logged as "unexpected error". Every line is JSON now, a
// Redis outage is a warning, and a request that failed only because of it or of its client is not
// an error at all (its request line says 503 or 499).

/** Resolves when a line matching `test` has been logged (stderr, JSON lines). */
function logged(presque: SpawnedPresque, test: (line: string) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!presque.logs.some(test)) return false;
      presque.child.stderr?.off("data", onData);
      resolve();
      return true;
    };
    const onData = () => setImmediate(check); // readline has pushed the line by then
    if (!check()) presque.child.stderr?.on("data", onData);
  });
}

const countCut = (presque: SpawnedPresque) =>
  presque.logs.filter((line) => line.includes('"path":"/q/logs-cut"')).length;

/** POSTs until presque has reconnected (ioredis backs off up to 2 s), bounded by the test. */
async function enqueueWhenBack(baseUrl: string): Promise<number> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await fetch(`${baseUrl}/q/logs`, { method: "POST", body: "{}" });
    if (res.status !== 503 || Date.now() > deadline) return res.status;
    await delay(100);
  }
}

/** Clients that send half a body and hang up: an HTTP/1.1 socket closed, an h2c stream reset. */
async function abortMidBody(baseUrl: string): Promise<void> {
  const socket = connect(Number(new URL(baseUrl).port), "127.0.0.1");
  await once(socket, "connect");
  socket.write("POST /q/logs-cut HTTP/1.1\r\nHost: presque\r\nContent-Length: 6\r\n\r\n123");
  socket.destroy();
  await once(socket, "close");
  const session = http2.connect(baseUrl);
  const stream = session.request({ ":method": "POST", ":path": "/q/logs-cut", "content-length": "6" });
  stream.on("error", () => {});
  stream.write("123", () => stream.close(http2.constants.NGHTTP2_CANCEL));
  await once(stream, "close");
  session.close();
}

it("logs JSON only, a Redis restart and stall as warnings, 503s and aborts not as errors", async () => {
  const redis = await startThrowawayRedis("logs");
  const probe = new Redis(redis.url);
  const pid = Number(/process_id:(\d+)/.exec(await probe.info("server"))?.[1]);
  probe.disconnect();
  const presque = await spawnPresque([], { REDIS_URL: redis.url, PRESQUE_REDIS_COMMAND_TIMEOUT_MS: "300" });
  const stdout: string[] = [];
  presque.child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk.toString("utf8")));
  let restarted: ChildProcess | undefined;
  try {
    // Redis dies: both connections (commands, wake subscription) fail to reconnect for a while.
    process.kill(pid, "SIGKILL");
    await logged(presque, (line) => line.includes("redis connection error"));
    const down = await fetch(`${presque.baseUrl}/q/logs`, { method: "POST", body: "{}" });
    expect(down.status).toBe(503);

    // It comes back on the same port.
    restarted = spawn(
      "redis-server",
      ["--port", String(redis.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    expect(await enqueueWhenBack(presque.baseUrl)).toBe(201);

    // It stalls: commands time out (503 on REST and RPC), nothing is refused.
    restarted.kill("SIGSTOP");
    try {
      const stalled = await fetch(`${presque.baseUrl}/q/logs`, { method: "POST", body: "{}" });
      expect(stalled.status).toBe(503);
      const rpc = await fetch(`${presque.baseUrl}/presque.v1.QueueService/Enqueue`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ queue: "logs", payload: {} }),
      });
      expect(rpc.status).toBe(503);
    } finally {
      restarted.kill("SIGCONT");
    }

    await abortMidBody(presque.baseUrl);
    await logged(presque, () => countCut(presque) === 2);
    const cut = await fetch(`${presque.baseUrl}/j/logs-cut`);
    expect(await cut.json()).toMatchObject({ ready: 0 });
  } finally {
    await presque.terminate();
    restarted?.kill("SIGKILL");
    await redis.stop();
  }

  const lines = [...presque.logs, ...stdout.join("").split("\n")].filter((line) => line !== "");
  expect(lines.join("\n")).not.toContain("Unhandled error event");
  const records = lines.map((line) => {
    try {
      return JSON.parse(line) as { level: string; msg: string; status?: number };
    } catch {
      throw new Error(`not a JSON log line: ${line}`);
    }
  });
  expect(records.filter((r) => r.level === "error")).toEqual([]);
  expect(records.filter((r) => r.msg === "unexpected error")).toEqual([]);
  expect(records.find((r) => r.msg === "redis wake connection failed")?.level).toBe("warn");
  // The failed enqueues are in the request lines (info), where their status tells what happened.
  const unavailable = records.filter((r) => r.msg === "request" && r.status === 503);
  expect(unavailable.length).toBeGreaterThanOrEqual(3);
});
