import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { defaultConfig } from "../src/config/config.ts";
import { type OpenEngine, openEngine } from "../src/engine/open-engine.ts";

/*
 * The reaper's first pass is an hour away in these engines (reaper_interval_ms), so a job that
 * reaches a waiting long poll before the poll gives up (20 s) got there only through a pass that
 * its own enqueue or nack pulled forward. The poll is started first: its fetch goes to Redis on
 * the engine's connection before the enqueue's (flushed on setImmediate), finds nothing, and from
 * then on only a wake (a promotion's PUBLISH) makes it fetch again.
 */
const opened: { redis: Redis; engine: OpenEngine }[] = [];

/** Engines of one fresh prefix: what presque processes sharing a Redis look like. */
async function processes(count: number): Promise<OpenEngine[]> {
  const prefix = `t${randomBytes(4).toString("hex")}`;
  const config = { ...defaultConfig, prefix, reaperIntervalMs: 3_600_000 };
  return Promise.all(
    Array.from({ length: count }, async () => {
      const redis = new Redis(inject("redisUrl"));
      const engine = await openEngine({ redis, config, onError: (error) => console.error(error) });
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
});
