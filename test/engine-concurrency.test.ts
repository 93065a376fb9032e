import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { defaultConfig } from "../src/config/config.ts";
import { type OpenEngine, openEngine } from "../src/engine/open-engine.ts";
import { redisClockPast } from "./support/redis-clock.ts";

/** Two engines on one Redis and one prefix: what two presque processes sharing a Redis look like. */
let processes: { redis: Redis; opened: OpenEngine }[];

beforeAll(async () => {
  const prefix = `t${randomBytes(4).toString("hex")}`;
  const config = { ...defaultConfig, prefix, reaperIntervalMs: 3_600_000 }; // sweeps only when a test asks
  processes = await Promise.all(
    [1, 2].map(async () => {
      const client = new Redis(inject("redisUrl"));
      return {
        redis: client,
        opened: await openEngine({ redis: client, config, onError: (e) => console.error(e) }),
      };
    }),
  );
});
afterAll(async () => {
  for (const { redis, opened } of processes) {
    await opened.close();
    await redis.quit();
  }
});

const engineOf = (i: number) => (processes[i % 2] as { opened: OpenEngine }).opened.engine;

describe("two presque processes on one Redis", () => {
  it("20 concurrent consumers receive each of 500 jobs exactly once", async () => {
    const payloads = Array.from({ length: 500 }, (_, n) => JSON.stringify({ n }));
    const ids = [
      ...(await engineOf(0).jobs.enqueue("shared", payloads.slice(0, 250))).ids,
      ...(await engineOf(1).jobs.enqueue("shared", payloads.slice(250))).ids,
    ];
    const seen: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, consumer) => {
        for (;;) {
          const { jobs } = await engineOf(consumer).jobs.fetch("shared", { count: 7, leaseMs: 60_000 });
          if (jobs.length === 0) return;
          for (const job of jobs) {
            seen.push(job.id);
            await engineOf(consumer + 1).jobs.ack("shared", job.id, job.leaseToken as string);
          }
        }
      }),
    );
    expect(seen).toHaveLength(500);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(await engineOf(0).queues.queueInfo("shared")).toMatchObject({
      ready: 0,
      inFlight: 0,
      processed: 500,
    });
  });

  it("reapers racing on the same expired leases put each job back exactly once", async () => {
    await engineOf(0).jobs.enqueue(
      "reaped",
      Array.from({ length: 200 }, (_, n) => String(n)),
    );
    const { jobs } = await engineOf(0).jobs.fetch("reaped", { count: 200, leaseMs: 1 });
    await redisClockPast(Math.max(...jobs.map((job) => job.leaseDeadline as number)));

    const sweeps = Array.from({ length: 10 }, (_, i) =>
      (processes[i % 2] as { opened: OpenEngine }).opened.sweep(),
    );
    const moved = (await Promise.all(sweeps)).reduce((a, b) => a + b, 0);
    expect(moved).toBeGreaterThanOrEqual(200); // other tests' queues may move too, never fewer
    expect(await engineOf(1).queues.queueInfo("reaped")).toMatchObject({
      ready: 200,
      inFlight: 0,
      expiredLeases: 200,
    });

    const again = await engineOf(1).jobs.fetch("reaped", { count: 200, leaseMs: 60_000 });
    expect(again.jobs.map((job) => job.attempt)).toEqual(Array(200).fill(2));
    expect(new Set(again.jobs.map((job) => job.id)).size).toBe(200);
  });

  it("a long poll in one process is woken by an enqueue in the other", async () => {
    const waiting = engineOf(0).jobs.fetch("cross", { leaseMs: 60_000, waitMs: 20_000 });
    await engineOf(1).jobs.enqueue("cross", ['"over here"']);
    const { jobs } = await waiting;
    expect(jobs.map((job) => job.payload)).toEqual(['"over here"']);
  });
});

describe("waking idle consumers", () => {
  it("a burst of 5 jobs reaches 5 of 20 idle long polls across two processes, each job once", async () => {
    const stop = new AbortController();
    const polls = Array.from({ length: 20 }, (_, i) =>
      engineOf(i).jobs.fetch("burst", { leaseMs: 60_000, waitMs: 20_000, signal: stop.signal }),
    );
    // One enqueue, one wake per process: the woken consumers pass it on while they find jobs.
    await engineOf(0).jobs.enqueue("burst", ["1", "2", "3", "4", "5"]);
    const delivered: string[] = [];
    await new Promise<void>((resolve) => {
      for (const poll of polls) {
        void poll.then(({ jobs }) => {
          delivered.push(...jobs.map((job) => job.payload));
          if (delivered.length === 5) resolve();
        });
      }
    });
    stop.abort();
    await Promise.all(polls);
    expect(delivered.sort()).toEqual(["1", "2", "3", "4", "5"]);
  });
});

describe("delays and priorities", () => {
  it("delayed jobs become ready in due order, fetched without waiting for a reaper", async () => {
    const engine = engineOf(0);
    let lastDue = 0;
    const dues: { payload: string; due: number }[] = [];
    // Delays far apart, and the expected order taken from the due times the jobs really got: the
    // enqueues themselves take time (one event-loop turn each, more on a loaded machine).
    for (const [payload, delayMs] of [
      ['"third"', 300],
      ['"first"', 100],
      ['"second"', 200],
    ] as const) {
      const {
        ids: [id],
      } = await engine.jobs.enqueue("later", [payload], { delayMs });
      const due = (await engine.jobs.getJob("later", id as string)).enqueuedAt + delayMs;
      dues.push({ payload, due });
      lastDue = Math.max(lastDue, due);
    }
    await engine.jobs.enqueue("later", ['"never yet"'], { delayMs: 3_600_000 });
    await redisClockPast(lastDue);
    const { jobs } = await engine.jobs.fetch("later", { count: 10, leaseMs: 0 });
    const byDue = [...dues].sort((a, b) => a.due - b.due).map((entry) => entry.payload);
    expect(jobs.map((job) => job.payload)).toEqual(byDue);
    expect(await engine.queues.queueInfo("later")).toMatchObject({ ready: 0, delayed: 1 });
  });

  it("a nacked job keeps its priority", async () => {
    const engine = engineOf(0);
    await engine.jobs.enqueue("keep-prio", ['"urgent"'], { priority: 9 });
    const [urgent] = (await engine.jobs.fetch("keep-prio", { leaseMs: 60_000 })).jobs;
    await engine.jobs.enqueue("keep-prio", ['"routine"']);
    await engine.jobs.nack("keep-prio", urgent?.id as string, urgent?.leaseToken as string, {
      error: "try again",
      delayMs: 0,
    });
    const { jobs } = await engine.jobs.fetch("keep-prio", { count: 2, leaseMs: 0 });
    expect(jobs.map((job) => job.payload)).toEqual(['"urgent"', '"routine"']);
  });
});
