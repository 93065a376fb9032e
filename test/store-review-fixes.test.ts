import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { defaultConfig } from "../src/config/config.ts";
import type { LeaseRef } from "../src/engine/model/job.ts";
import type { OpenEngine } from "../src/engine/open-engine.ts";
import type { EnqueueScriptOptions } from "../src/engine/store/job-store.ts";
import { createKeySpace } from "../src/engine/store/keys.ts";
import { openTestEngine } from "./support/test-engine.ts";

/** Retention, redrive and the job record's ranges, through the store's script wrappers on real Redis. */
const prefix = `t${randomBytes(4).toString("hex")}`;
const keys = createKeySpace(prefix);
let redis: Redis;
let opened: OpenEngine;

beforeAll(async () => {
  redis = new Redis(inject("redisUrl"));
  opened = await openTestEngine(redis, prefix, { limits: { ...defaultConfig.limits, maxBatchSize: 5000 } });
});
afterAll(async () => {
  await opened.close();
  await redis.quit();
});

const store = () => opened.store;
const plain: EnqueueScriptOptions = { priority: 0, delayMs: 0, idempotencyMs: 0 };
const payloads = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ n: i }));
const leasesOf = (queue: string, fetched: { id: string; leaseToken?: string }[]): LeaseRef[] =>
  fetched.map((job) => ({ queue, id: job.id, leaseToken: job.leaseToken ?? "" }));
const doneIds = async (queue: string) =>
  (await redis.zrange(keys.queue(queue).done, "0", "-1")).sort((a, b) => Number(a) - Number(b));

describe("completed-job retention of one call finishing many jobs", () => {
  it("an ack of 5000 jobs keeps exactly the newest 10 (more than 1000 trimmed at once)", async () => {
    await opened.engine.queues.updateSettings("keep-acked", { completedKeepCount: 10 });
    await store().jobs.enqueue("keep-acked", plain, payloads(5000));
    const fetched = await store().jobs.fetch("keep-acked", 5000, 60_000);
    expect(fetched.jobs).toHaveLength(5000);
    const outcomes = await store().jobs.ackMany("keep-acked", leasesOf("keep-acked", fetched.jobs));
    expect(outcomes.filter((outcome) => outcome.status === "acked")).toHaveLength(5000);
    expect(await doneIds("keep-acked")).toEqual(Array.from({ length: 10 }, (_, i) => String(4991 + i)));
    // the records of the trimmed jobs are gone too
    expect(await store().jobs.read("keep-acked", "1")).toBeUndefined();
  });

  it("a fetch without lease of 5000 jobs keeps exactly the newest 10", async () => {
    await opened.engine.queues.updateSettings("keep-fetched", { completedKeepCount: 10 });
    await store().jobs.enqueue("keep-fetched", plain, payloads(5000));
    expect((await store().jobs.fetch("keep-fetched", 5000, 0)).jobs).toHaveLength(5000);
    expect(await redis.zcard(keys.queue("keep-fetched").done)).toBe(10);
  });

  it("jobs finished in one call (one score) are trimmed oldest id first, not in text order", async () => {
    await opened.engine.queues.updateSettings("keep-ties", { completedKeepCount: 3 });
    await store().jobs.enqueue("keep-ties", plain, payloads(12));
    for (let i = 0; i < 7; i++) {
      const one = await store().jobs.fetch("keep-ties", 1, 60_000);
      await store().jobs.ackMany("keep-ties", leasesOf("keep-ties", one.jobs));
    }
    const rest = await store().jobs.fetch("keep-ties", 5, 60_000);
    expect(rest.jobs.map((job) => job.id)).toEqual(["8", "9", "10", "11", "12"]);
    await store().jobs.ackMany("keep-ties", leasesOf("keep-ties", rest.jobs));
    expect(await doneIds("keep-ties")).toEqual(["10", "11", "12"]);
  });
});

describe("redrive", () => {
  it("a job that died of releases starts over: one release after a redrive does not kill it", async () => {
    const queue = "redrive-releases";
    const [id] = (
      (await store().jobs.enqueue(queue, { ...plain, maxAttempts: 2 }, payloads(1))) as { ids: string[] }
    ).ids;
    for (let i = 0; i < 2; i++) {
      const taken = await store().jobs.fetch(queue, 1, 60_000);
      expect(await store().jobs.release(queue, leasesOf(queue, taken.jobs))).toBe(1);
    }
    expect((await store().jobs.read(queue, id ?? ""))?.state).toBe("dead");
    expect(await store().dead.redrive(queue, [id ?? ""])).toBe(1);
    const again = await store().jobs.fetch(queue, 1, 60_000);
    expect(again.jobs.map((job) => job.id)).toEqual([id]);
    expect(await store().jobs.release(queue, leasesOf(queue, again.jobs))).toBe(1);
    expect((await store().jobs.read(queue, id ?? ""))?.state).toBe("ready");
  });
});

describe("the layout marker, when it is missing", () => {
  const openOn = (onPrefix: string) => openTestEngine(redis, onPrefix);

  it("current-layout jobs in every set: accepted, and the marker written back", async () => {
    const current = `t${randomBytes(4).toString("hex")}`;
    const first = await openOn(current);
    const jobs = first.store.jobs;
    await first.engine.queues.updateSettings("mail", { completedKeepCount: 5 });
    await jobs.enqueue("mail", plain, payloads(4));
    await jobs.enqueue("mail", { ...plain, priority: 5 }, payloads(1));
    await jobs.enqueue("mail", { ...plain, delayMs: 3_600_000 }, payloads(1));
    const leased = await jobs.fetch("mail", 2, 60_000);
    await jobs.ackMany("mail", leasesOf("mail", leased.jobs.slice(0, 1)));
    await jobs.nack("mail", leased.jobs[1]?.id ?? "", leased.jobs[1]?.leaseToken ?? "", {
      delayMs: 0,
      error: "no",
      retryable: false,
      jitter: 0,
    });
    await jobs.fetch("mail", 1, 60_000);
    const on = createKeySpace(current).queue("mail");
    for (const key of [on.ready, on.delayed, on.leased, on.dead, on.done])
      expect(await redis.exists(key)).toBe(1);
    expect(await redis.type(on.ready)).toBe("list");
    await first.close();

    await redis.del(`${current}:layout`);
    const again = await openOn(current);
    expect(await redis.get(`${current}:layout`)).toBe("2");
    expect((await again.engine.queues.queueInfo("mail")).ready).toBe(2);
    await again.close();
  });

  it("old-layout jobs in a delayed set only (no ready set): refused, no marker written", async () => {
    const old = `t${randomBytes(4).toString("hex")}`;
    await redis.sadd(`${old}:queues`, "mail");
    await redis.zadd(`${old}:{mail}:delayed`, 1, "7");
    await redis.hset(`${old}:{mail}:job:7`, "payload", "1", "state", "delayed");
    await expect(openOn(old)).rejects.toThrow(/old per-job-hash layout/);
    expect(await redis.get(`${old}:layout`)).toBeNull();
  });
});

describe("values the job record cannot hold", () => {
  const untouched = async (queue: string) => {
    const q = keys.queue(queue);
    expect(await redis.hget(q.meta, "lastId")).toBeNull();
    expect(await redis.exists(q.ready, q.readyHigh, q.readyLow, q.delayed, `${q.jobPrefix}0`)).toBe(0);
  };

  it("an enqueue with max_attempts past 65535 is refused by the script, and nothing is written", async () => {
    await expect(
      store().jobs.enqueue("range-attempts", { ...plain, maxAttempts: 70_000 }, payloads(2)),
    ).rejects.toThrow(/presque: job record field maxAttempts out of range: 70000/);
    await untouched("range-attempts");
  });

  it("a priority past 32767 and a traceparent past 255 bytes are refused too", async () => {
    await expect(
      store().jobs.enqueue("range-priority", { ...plain, priority: 40_000 }, payloads(1)),
    ).rejects.toThrow(/field priority out of range/);
    await untouched("range-priority");
    const traceparent = "x".repeat(300);
    await expect(
      store().jobs.enqueue("range-trace", { ...plain, delayMs: 60_000, traceparent }, payloads(1)),
    ).rejects.toThrow(/field traceparent out of range: 300 bytes/);
    await untouched("range-trace");
  });

  it("a group commit with one such job writes none of its jobs, not even those before it", async () => {
    const jobs = [
      { options: plain, payload: '"first"' },
      { options: { ...plain, maxAttempts: 70_000 }, payload: '"second"' },
    ];
    await expect(store().jobs.enqueueEach("range-each", jobs)).rejects.toThrow(/maxAttempts out of range/);
    await untouched("range-each");
  });
});
