import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { OpenEngine } from "../src/engine/open-engine.ts";
import { createKeySpace } from "../src/engine/store/keys.ts";
import { openTestEngine } from "./support/test-engine.ts";

/** The compact job record and the ready index, read through the engine and straight from Redis. */
const prefix = `t${randomBytes(4).toString("hex")}`;
const keys = createKeySpace(prefix);
let redis: Redis;
let opened: OpenEngine;

const open = (onPrefix: string, client: Redis) => openTestEngine(client, onPrefix);

beforeAll(async () => {
  redis = new Redis(inject("redisUrl"));
  opened = await open(prefix, redis);
});
afterAll(async () => {
  await opened.close();
  await redis.quit();
});

const payloadsOf = (jobs: { payload: string }[]) => jobs.map((job) => JSON.parse(job.payload) as string);

describe("the ready index: a list for priority 0, sets for the others", () => {
  const jobs = () => opened.engine.jobs;
  const enqueueAll = async (queue: string, order: [string, number][]) => {
    for (const [name, priority] of order) await jobs().enqueue(queue, [JSON.stringify(name)], { priority });
  };
  const order: [string, number][] = [
    ["zero 1", 0],
    ["low 1", -5],
    ["high 1", 5],
    ["zero 2", 0],
    ["top", 1000],
    ["low 2", -5],
    ["lowest", -1000],
    ["high 2", 5],
  ];
  const fetchOrder = ["top", "high 1", "high 2", "zero 1", "zero 2", "low 1", "low 2", "lowest"];

  it("hands out higher priorities first, arrival order within one, across one fetch and many", async () => {
    await enqueueAll("prio-one", order);
    const all = await jobs().fetch("prio-one", { count: 8, leaseMs: 0 });
    expect(payloadsOf(all.jobs)).toEqual(fetchOrder);
    await enqueueAll("prio-many", order);
    const taken: string[] = [];
    for (let i = 0; i < 8; i++)
      taken.push(...payloadsOf((await jobs().fetch("prio-many", { count: 1, leaseMs: 0 })).jobs));
    expect(taken).toEqual(fetchOrder);
    expect((await opened.engine.queues.queueInfo("prio-many")).ready).toBe(0);
  });

  it("counts ready jobs of every priority, and the job browser pages through them in fetch order", async () => {
    await enqueueAll("prio-browse", order);
    const info = await opened.engine.queues.queueInfo("prio-browse");
    expect(info.ready).toBe(8);
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await opened.jobBrowser.list("prio-browse", "ready", { cursor, limit: 3 });
      pages.push(payloadsOf(page.jobs));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(pages).toEqual([fetchOrder.slice(0, 3), fetchOrder.slice(3, 6), fetchOrder.slice(6)]);
  });

  it("a job back from a nack joins the end of its own priority", async () => {
    await enqueueAll("prio-nack", [
      ["zero", 0],
      ["high", 5],
      ["high, later", 5],
    ]);
    const [first] = (await jobs().fetch("prio-nack", { leaseMs: 60_000 })).jobs;
    expect(first?.payload).toBe('"high"');
    await jobs().nack("prio-nack", first?.id ?? "", first?.leaseToken ?? "", { delayMs: 0 });
    const rest = await jobs().fetch("prio-nack", { count: 3, leaseMs: 0 });
    expect(payloadsOf(rest.jobs)).toEqual(["high, later", "high", "zero"]);
  });

  it("max_length counts ready jobs of every priority", async () => {
    await opened.engine.queues.updateSettings("prio-full", { maxLength: 3 });
    await enqueueAll("prio-full", [
      ["a", 0],
      ["b", 5],
      ["c", -5],
    ]);
    await expect(jobs().enqueue("prio-full", ['"d"'])).rejects.toMatchObject({ kind: "queue_full" });
  });
});

describe("job records: one field of a bucket hash per job", () => {
  it("a waiting job is its 19-byte header and its payload, byte for byte, in bucket floor(id / 65536)", async () => {
    const payload = '{"to":"someone@example.com", "n": 1.50}';
    const [id] = (await opened.engine.jobs.enqueue("records", [payload])).ids;
    const bucket = `${keys.queue("records").jobPrefix}0`;
    expect(await redis.hlen(bucket)).toBe(1);
    const record = await redis.hgetBuffer(bucket, id ?? "");
    expect(record?.length).toBe(19 + Buffer.byteLength(payload));
    expect(record?.subarray(19).toString()).toBe(payload);
    expect(await redis.keys(`${prefix}:{records}:job:*`)).toEqual([]);
  });

  it("ids past 65535 go to the next bucket and keep working", async () => {
    await redis.hset(keys.queue("buckets").meta, "lastId", 65534);
    const { ids } = await opened.engine.jobs.enqueue("buckets", ['"a"', '"b"', '"c"']);
    expect(ids).toEqual(["65535", "65536", "65537"]);
    const jobPrefix = keys.queue("buckets").jobPrefix;
    expect([await redis.hkeys(`${jobPrefix}0`), await redis.hkeys(`${jobPrefix}1`)]).toEqual([
      ["65535"],
      ["65536", "65537"],
    ]);
    const fetched = await opened.engine.jobs.fetch("buckets", { count: 3, leaseMs: 60_000 });
    for (const job of fetched.jobs) await opened.engine.jobs.ack("buckets", job.id, job.leaseToken ?? "");
    expect(await redis.exists(`${jobPrefix}0`, `${jobPrefix}1`)).toBe(0);
  });

  it("every optional field comes back: expiry, unique key, trace, lease, errors, dead reason and time", async () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const expiresAtMs = Date.now() + 3_600_000;
    const options = { priority: -3, maxAttempts: 2, expiresAtMs, unique: "ü-key", traceparent };
    const [id = ""] = (await opened.engine.jobs.enqueue("fields", ['"x"'], options)).ids;
    const [leased] = (await opened.engine.jobs.fetch("fields", { leaseMs: 60_000 })).jobs;
    const held = await opened.engine.jobs.getJob("fields", id);
    expect(held).toMatchObject({ state: "leased", attempt: 1, deliveries: 1, priority: -3, maxAttempts: 2 });
    expect(held).toMatchObject({ expiresAt: expiresAtMs, unique: "ü-key", traceparent });
    expect([held.leaseToken, held.leaseDeadline]).toEqual([leased?.leaseToken, leased?.leaseDeadline]);
    await opened.engine.jobs.nack("fields", id, held.leaseToken ?? "", { error: "nope", retryable: false });
    const dead = await opened.engine.jobs.getJob("fields", id);
    expect(dead).toMatchObject({ state: "dead", deadReason: "failed, not retryable", unique: "ü-key" });
    expect(dead.errors).toEqual([{ attempt: 1, message: "nope", at: expect.any(Number) }]);
    expect(dead.diedAt).toBeGreaterThanOrEqual(dead.enqueuedAt);
    expect(dead.leaseToken).toBeUndefined();
  });
});

describe("the layout version", () => {
  it("marks a new prefix with layout 2", async () => {
    expect(await redis.get(keys.layout)).toBe("2");
  });

  it("refuses to open a prefix holding jobs of the old per-job-hash layout", async () => {
    const old = `t${randomBytes(4).toString("hex")}`;
    await redis.sadd(`${old}:queues`, "mail");
    await redis.zadd(`${old}:{mail}:ready`, 1, "1");
    await redis.hset(`${old}:{mail}:job:1`, "payload", "1", "state", "ready");
    await expect(open(old, redis)).rejects.toThrow(
      /old per-job-hash layout under the prefix .*no migrat|does not migrate/,
    );
    expect(await redis.get(`${old}:layout`)).toBeNull();
  });

  it("refuses a prefix marked with another layout", async () => {
    const other = `t${randomBytes(4).toString("hex")}`;
    await redis.set(`${other}:layout`, "3");
    await expect(open(other, redis)).rejects.toThrow(/layout 3 under the prefix/);
  });
});
