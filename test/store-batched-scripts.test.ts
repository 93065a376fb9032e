import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { LeaseRef } from "../src/engine/model/job.ts";
import type { OpenEngine } from "../src/engine/open-engine.ts";
import { openTestEngine } from "./support/test-engine.ts";

/**
 * fetchJobs and ackJobs read and write the jobs of one call together (one HMGET, one HSET, one
 * HINCRBY for the tokens, one trim and count): each job must still come out as if handled alone.
 */
const prefix = `t${randomBytes(4).toString("hex")}`;
let redis: Redis;
let opened: OpenEngine;

beforeAll(async () => {
  redis = new Redis(inject("redisUrl"));
  opened = await openTestEngine(redis, prefix);
});
afterAll(async () => {
  await opened.close();
  await redis.quit();
});

const jobs = () => opened.engine.jobs;
const payloads = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ n: i }));
const leasesOf = (queue: string, fetched: { id: string; leaseToken?: string }[]): LeaseRef[] =>
  fetched.map((job) => ({ queue, id: job.id, leaseToken: job.leaseToken ?? "" }));

describe("jobs of one script call, handled together", () => {
  it("a fetch leases each job under its own token, increasing in hand-out order", async () => {
    await jobs().enqueue("batch-tokens", payloads(5));
    const first = await jobs().fetch("batch-tokens", { count: 3, leaseMs: 60_000 });
    const second = await jobs().fetch("batch-tokens", { count: 3, leaseMs: 60_000 });
    const tokens = [...first.jobs, ...second.jobs].map((job) => Number(job.leaseToken));
    expect(tokens).toHaveLength(5);
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    expect(new Set(tokens).size).toBe(5);
    expect(first.jobs.map((job) => job.attempt)).toEqual([1, 1, 1]);
  });

  it("an ack batch that names a job twice acks it once; the repeat is refused as the job now is", async () => {
    await jobs().enqueue("batch-twice", payloads(2));
    const [a, b] = leasesOf(
      "batch-twice",
      (await jobs().fetch("batch-twice", { count: 2, leaseMs: 60_000 })).jobs,
    );
    if (!a || !b) throw new Error("two jobs expected");
    const outcomes = await jobs().ackMany([a, b, a, { ...b, leaseToken: "999999" }]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["acked", "acked", "not_found", "not_found"]);
    expect((await opened.engine.queues.queueInfo("batch-twice")).processed).toBe(2);

    await opened.engine.queues.updateSettings("batch-twice-kept", { completedKeepCount: 10 });
    await jobs().enqueue("batch-twice-kept", payloads(1));
    const [kept] = leasesOf(
      "batch-twice-kept",
      (await jobs().fetch("batch-twice-kept", { count: 1, leaseMs: 60_000 })).jobs,
    );
    if (!kept) throw new Error("a job expected");
    const repeated = await jobs().ackMany([kept, kept]);
    expect(repeated.map((outcome) => outcome.status)).toEqual(["acked", "stale_lease"]);
    expect((await opened.engine.queues.queueInfo("batch-twice-kept")).processed).toBe(1);
  });

  it("acks of many jobs keep the newest completed jobs within the retention, as acks one by one would", async () => {
    await opened.engine.queues.updateSettings("batch-keep", { completedKeepCount: 3 });
    const { ids } = await jobs().enqueue("batch-keep", payloads(8));
    const fetched = await jobs().fetch("batch-keep", { count: 8, leaseMs: 60_000 });
    const outcomes = await jobs().ackMany(leasesOf("batch-keep", fetched.jobs));
    expect(outcomes.every((outcome) => outcome.status === "acked")).toBe(true);
    const info = await opened.engine.queues.queueInfo("batch-keep");
    expect([info.done, info.processed, info.inFlight]).toEqual([3, 8, 0]);
    const kept = await Promise.all(
      ids.map((id) =>
        jobs()
          .getJob("batch-keep", id)
          .then(
            (job) => job.state,
            () => "gone",
          ),
      ),
    );
    expect(kept.filter((state) => state === "done")).toHaveLength(3);
  });

  it("a setting changed between calls applies to the next call", async () => {
    await jobs().enqueue("batch-setting", payloads(2));
    const before = await jobs().fetch("batch-setting", { count: 1, leaseMs: "default" });
    await opened.engine.queues.updateSettings("batch-setting", { leaseMs: 1_000 });
    const after = await jobs().fetch("batch-setting", { count: 1, leaseMs: "default" });
    // the default lease (30 s) against 1 s, asked for within a moment
    expect(Number(after.jobs[0]?.leaseDeadline)).toBeLessThan(Number(before.jobs[0]?.leaseDeadline));
  });

  it("per-minute counters get their expiry when first counted in a minute, and keep it", async () => {
    await jobs().enqueue("batch-minutes", payloads(3));
    await jobs().enqueue("batch-minutes", payloads(3));
    const fetched = await jobs().fetch("batch-minutes", { count: 6, leaseMs: 60_000 });
    await jobs().ackMany(leasesOf("batch-minutes", fetched.jobs));
    const minuteKeys = await redis.keys(`${prefix}:{batch-minutes}:meta:m:*`);
    expect(minuteKeys.length).toBeGreaterThan(0);
    for (const key of minuteKeys) {
      expect(await redis.ttl(key)).toBeGreaterThan(3600);
      expect(
        Number(await redis.hget(key, "enqueued")) + Number(await redis.hget(key, "processed")),
      ).toBeGreaterThan(0);
    }
  });

  it("the wake is announced when a queue goes from nothing ready to ready, not while jobs wait", async () => {
    const subscriber = redis.duplicate();
    const heard: string[] = [];
    await subscriber.subscribe(`${prefix}:wake`);
    subscriber.on("message", (_channel, message: string) => heard.push(message));
    // a marker published after the enqueues arrives after any announcement they made
    const heardUpTo = async (marker: string) => {
      await redis.publish(`${prefix}:wake`, marker);
      await vi.waitUntil(() => heard.includes(marker));
      return heard.filter((message) => message === "batch-wake").length;
    };
    await jobs().enqueue("batch-wake", payloads(2));
    expect(await heardUpTo("m1")).toBe(1);
    await jobs().enqueue("batch-wake", payloads(2));
    await jobs().enqueue("batch-wake", [JSON.stringify("high")], { priority: 5 });
    expect(await heardUpTo("m2")).toBe(1);
    await jobs().fetch("batch-wake", { count: 5, leaseMs: 0 });
    await jobs().enqueue("batch-wake", [JSON.stringify("high")], { priority: 5 });
    expect(await heardUpTo("m3")).toBe(2);
    await jobs().enqueue("batch-wake", payloads(1));
    expect(await heardUpTo("m4")).toBe(2);
    await subscriber.quit();
  });

  it("a fetch leases plain and sectioned records alike: the stored record says what the reply said", async () => {
    await jobs().enqueue("batch-kinds", [JSON.stringify("plain")]);
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    await jobs().enqueue("batch-kinds", [JSON.stringify("traced")], { traceparent, maxAttempts: 3 });
    const fetched = await jobs().fetch("batch-kinds", { count: 2, leaseMs: 60_000 });
    expect(fetched.jobs.map((job) => job.payload)).toEqual(['"plain"', '"traced"']);
    for (const job of fetched.jobs) {
      const stored = await jobs().getJob("batch-kinds", job.id);
      expect(stored).toMatchObject({ state: "leased", leaseToken: job.leaseToken, payload: job.payload });
      expect([stored.attempt, stored.deliveries, job.attempt, job.deliveries]).toEqual([1, 1, 1, 1]);
    }
    expect(fetched.jobs[1]).toMatchObject({ traceparent, maxAttempts: 3 });
  });
});
