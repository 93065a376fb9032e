import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { defaultConfig } from "../src/config/config.ts";
import { type OpenEngine, openEngine } from "../src/engine/open-engine.ts";
import { curl } from "./support/curl.ts";
import { type SpawnedPresque, spawnPresque } from "./support/spawn-presque.ts";

/*
 * The reaper's first pass is an hour away in these engines (reaper_interval_ms), so a job that
 * reaches a waiting long poll before the poll gives up (20 s) got there only through a pass that
 * its own enqueue or nack pulled forward, in whichever process it was stored (the due channel:
 * the script that makes a job its queue's earliest announces it). The poll is started first: its
 * fetch goes to Redis on the engine's connection before the enqueue's (flushed on setImmediate),
 * finds nothing, and from then on only a wake (a promotion's PUBLISH) makes it fetch again.
 */
const opened: { redis: Redis; engine: OpenEngine }[] = [];

/**
 * Engines of one fresh prefix: what presque processes sharing a Redis look like. `background[i]`
 * false: engine i runs no reaper (a `presque serve --workers N` worker other than worker 1).
 */
async function processes(count: number, background: boolean[] = []): Promise<OpenEngine[]> {
  const prefix = `t${randomBytes(4).toString("hex")}`;
  const config = { ...defaultConfig, prefix, reaperIntervalMs: 3_600_000 };
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const redis = new Redis(inject("redisUrl"));
      const onError = (error: unknown) => console.error(error);
      const engine = await openEngine({ redis, config, onError, background: background[i] ?? true });
      opened.push({ redis, engine });
      return engine;
    }),
  );
}

afterEach(async () => {
  for (const { redis, engine } of opened.splice(0)) {
    await engine.close();
    await redis.quit();
  }
});

const poll = (engine: OpenEngine, queue: string) =>
  engine.engine.jobs.fetch(queue, { leaseMs: 60_000, waitMs: 20_000 });

describe("the reaper", () => {
  it("a delayed job enqueued after a long pass was set is promoted before that pass", async () => {
    const [engine] = (await processes(1)) as [OpenEngine];
    const waiting = poll(engine, "soon");
    await engine.engine.jobs.enqueue("soon", ['"in 50 ms"'], { delayMs: 50 });
    expect((await waiting).jobs.map((job) => job.payload)).toEqual(['"in 50 ms"']);
  });

  it("so is one given an absolute run_at", async () => {
    const [engine] = (await processes(1)) as [OpenEngine];
    const waiting = poll(engine, "at");
    const runAtMs = (await engine.store.nowMs()) + 50;
    await engine.engine.jobs.enqueue("at", ['"at a time"'], { runAtMs });
    expect((await waiting).jobs.map((job) => job.payload)).toEqual(['"at a time"']);
  });

  it("a job nacked with a retry delay comes back before the pass that was set", async () => {
    const [engine] = (await processes(1)) as [OpenEngine];
    await engine.engine.jobs.enqueue("retry", ['"again"']);
    const [job] = (await engine.engine.jobs.fetch("retry", { leaseMs: 60_000 })).jobs;
    const waiting = poll(engine, "retry");
    await engine.engine.jobs.nack("retry", job?.id as string, job?.leaseToken as string, {
      error: "later",
      delayMs: 50,
    });
    const [again] = (await waiting).jobs;
    expect([again?.id, again?.attempt]).toEqual([job?.id, 2]);
  });

  it("the process that stored the delayed job promotes it for a long poll in another", async () => {
    const [polling, producing] = (await processes(2)) as [OpenEngine, OpenEngine];
    const waiting = poll(polling, "across");
    // the poll's first fetch is in Redis before the enqueue: a round trip on its connection
    await polling.store.nowMs();
    await producing.engine.jobs.enqueue("across", ['"from the other"'], { delayMs: 50 });
    expect((await waiting).jobs.map((job) => job.payload)).toEqual(['"from the other"']);
  });

  it("a delayed job stored by a process that runs no reaper pulls another's reaper forward", async () => {
    const [polling, producing] = (await processes(2, [true, false])) as [OpenEngine, OpenEngine];
    const waiting = poll(polling, "announced");
    await polling.store.nowMs();
    await producing.engine.jobs.enqueue("announced", ['"from a worker"'], { delayMs: 50 });
    expect((await waiting).jobs.map((job) => job.payload)).toEqual(['"from a worker"']);
  });

  it("so does a retry nacked there", async () => {
    const [polling, producing] = (await processes(2, [true, false])) as [OpenEngine, OpenEngine];
    await producing.engine.jobs.enqueue("announced-retry", ['"again"']);
    const [job] = (await producing.engine.jobs.fetch("announced-retry", { leaseMs: 60_000 })).jobs;
    const waiting = poll(polling, "announced-retry");
    await polling.store.nowMs();
    await producing.engine.jobs.nack("announced-retry", job?.id as string, job?.leaseToken as string, {
      error: "later",
      delayMs: 50,
    });
    const [again] = (await waiting).jobs;
    expect([again?.id, again?.attempt]).toEqual([job?.id, 2]);
  });
});

/** A POST on `agent`'s connection; resolves with the pid of the worker that logged serving it. */
async function post(presque: SpawnedPresque, agent: Agent, path: string, requestId: string): Promise<number> {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${presque.baseUrl}${path}`, {
      method: "POST",
      agent,
      headers: { "x-request-id": requestId },
    });
    req.once("response", (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    req.once("error", reject);
    req.end(JSON.stringify(requestId));
  });
  expect(status).toBe(201);
  const line = await presque.logLine(new RegExp(`"requestId":"${requestId}"`));
  return (JSON.parse(line) as { pid: number }).pid;
}

describe("presque serve --workers 2, reaper_interval_ms an hour", () => {
  let presque: SpawnedPresque;
  let secondWorker: number;
  const prefix = `reaper-workers-${process.pid}`;

  beforeAll(async () => {
    presque = await spawnPresque(["--workers", "2"], {
      REDIS_URL: inject("redisUrl"),
      PRESQUE_PREFIX: prefix,
      PRESQUE_REAPER_INTERVAL_MS: "3600000",
    });
    // worker 1 serving: its reaper listens to the due channel
    await presque.logLine(/"msg":"worker 1 serving"/);
    const serving = await presque.logLine(/"msg":"worker 2 serving"/);
    secondWorker = (JSON.parse(serving) as { pid: number }).pid;
  });
  afterAll(async () => {
    if (presque.child.exitCode === null) await presque.terminate();
  });

  // Only worker 1 runs the reaper, and here it knows of no delayed job: the one worker 2 stores
  // reaches it through the due channel alone. The long poll starts before the job falls due (2 s),
  // so only a promotion wakes it; its wait (25 s) outlasts the test (20 s), so its last fetch at
  // the end of the wait, which would promote the job itself, comes too late to pass the test.
  it("a delayed job that worker 2 stored reaches a long poll before the pass", async () => {
    // A connection stays with the worker that accepted it: find one that worker 2 serves.
    let agent: Agent | undefined;
    for (let i = 0; !agent && i < 20; i++) {
      const candidate = new Agent({ keepAlive: true, maxSockets: 1 });
      const pid = await post(presque, candidate, `/q/${prefix}-probe`, `probe-${i}`);
      if (pid === secondWorker) agent = candidate;
      else candidate.destroy();
    }
    if (!agent) throw new Error("no connection of 20 went to worker 2");
    expect(await post(presque, agent, `/q/${prefix}-late?delay=2s`, "late")).toBe(secondWorker);
    agent.destroy();
    const polled = await curl(`${presque.baseUrl}/q/${prefix}-late?lease=60&wait=25`);
    expect([polled.status, polled.body]).toEqual([200, '"late"']);
  });
});
