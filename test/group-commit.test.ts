import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { defaultConfig } from "../src/config/config.ts";
import type { Engine } from "../src/engine/engine.ts";
import { type OpenEngine, openEngine } from "../src/engine/open-engine.ts";
import type { ScriptName } from "../src/engine/store/script-loader.ts";

/**
 * Group commit on the server: single enqueues and acks of one queue that arrive in the same turn
 * of the event loop go to Redis as one script call, and each caller gets its own answer. Calls
 * started together (Promise.all over calls made in one synchronous loop) arrive in one turn.
 */
let redis: Redis;
let opened: OpenEngine;
let engine: Engine;
/** Same Redis, limits.max_batch_size 10: groups are cut at 10. */
let small: OpenEngine;

beforeAll(async () => {
  redis = new Redis(inject("redisUrl"));
  const config = {
    ...defaultConfig,
    prefix: `t${randomBytes(4).toString("hex")}`,
    reaperIntervalMs: 3_600_000,
  };
  opened = await openEngine({ redis, config, onError: (e) => console.error(e) });
  engine = opened.engine;
  small = await openEngine({
    redis,
    config: { ...config, limits: { ...config.limits, maxBatchSize: 10 } },
    onError: (e) => console.error(e),
  });
});
afterAll(async () => {
  await small.close();
  await opened.close();
  await redis.quit();
});

/** Script calls the engine sends while `work` runs (counted by the store, per script). */
async function callsDuring(names: ScriptName[], work: () => Promise<unknown>, of = opened) {
  const before = names.map((name) => of.store.scriptCalls(name));
  await work();
  return Object.fromEntries(
    names.map((name, i) => [name, of.store.scriptCalls(name) - (before[i] as number)]),
  );
}

const enqueueOne = (queue: string, payload: string, options = {}) =>
  engine.jobs.enqueue(queue, [payload], options).then((result) => result.ids[0] as string);

const errorOf = (settled: PromiseSettledResult<unknown>) =>
  settled.status === "rejected" ? (settled.reason as { kind?: string; message: string }) : undefined;

describe("single enqueues arriving together", () => {
  it("50 are one script call, each with its own id, in the order they arrived", async () => {
    const payloads = Array.from({ length: 50 }, (_, n) => JSON.stringify({ n }));
    let ids: string[] = [];
    const calls = await callsDuring(["enqueueEach", "enqueueJobs"], async () => {
      ids = await Promise.all(payloads.map((payload) => enqueueOne("gc-order", payload)));
    });
    expect(calls).toEqual({ enqueueEach: 1, enqueueJobs: 0 });
    expect(new Set(ids).size).toBe(50);
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => a - b));
    const { jobs } = await engine.jobs.fetch("gc-order", { count: 50, leaseMs: 0 });
    expect(jobs.map((job) => job.payload)).toEqual(payloads);
    expect(jobs.map((job) => job.id)).toEqual(ids);
  });

  it("each keeps its own options: priority, delay, max_attempts, traceparent", async () => {
    const traceparent = `00-${"a".repeat(32)}-${"b".repeat(16)}-01`;
    let ids: string[] = [];
    const calls = await callsDuring(["enqueueEach"], async () => {
      ids = await Promise.all([
        enqueueOne("gc-options", '"plain"'),
        enqueueOne("gc-options", '"urgent"', { priority: 5 }),
        enqueueOne("gc-options", '"later"', { delayMs: 600_000 }),
        enqueueOne("gc-options", '"twice"', { maxAttempts: 2 }),
        enqueueOne("gc-options", '"traced"', { traceparent }),
        enqueueOne("gc-options", '"plain again"'),
      ]);
    });
    expect(calls).toEqual({ enqueueEach: 1 });
    const views = await Promise.all(ids.map((id) => engine.jobs.getJob("gc-options", id)));
    expect(views.map((job) => [job.payload, job.state, job.priority, job.maxAttempts])).toEqual([
      ['"plain"', "ready", 0, 10],
      ['"urgent"', "ready", 5, 10],
      ['"later"', "delayed", 0, 10],
      ['"twice"', "ready", 0, 2],
      ['"traced"', "ready", 0, 10],
      ['"plain again"', "ready", 0, 10],
    ]);
    expect(views[4]?.traceparent).toBe(traceparent);
    const { jobs } = await engine.jobs.fetch("gc-options", { count: 10, leaseMs: 0 });
    expect(jobs.map((job) => job.payload)).toEqual([
      '"urgent"',
      '"plain"',
      '"twice"',
      '"traced"',
      '"plain again"',
    ]);
  });

  it("a job refused among them fails alone: held unique key, past expires_at, bad priority", async () => {
    const holder = await enqueueOne("gc-refused", '"holder"', { unique: "mail-42" });
    let settled: PromiseSettledResult<string>[] = [];
    const calls = await callsDuring(["enqueueEach"], async () => {
      settled = await Promise.allSettled([
        enqueueOne("gc-refused", '"a"'),
        enqueueOne("gc-refused", '"same key"', { unique: "mail-42" }),
        enqueueOne("gc-refused", '"b"'),
        enqueueOne("gc-refused", '"too late"', { expiresAtMs: 1000 }),
        enqueueOne("gc-refused", '"c"'),
        enqueueOne("gc-refused", '"bad"', { priority: 5000 }),
        enqueueOne("gc-refused", '"d"', { unique: "mail-43" }),
      ]);
    });
    expect(calls).toEqual({ enqueueEach: 1 });
    expect(settled.map((s) => s.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    expect(errorOf(settled[1] as PromiseSettledResult<string>)).toMatchObject({
      kind: "already_exists",
      message: `job already exists: job ${holder} holds unique key mail-42`,
    });
    expect(errorOf(settled[3] as PromiseSettledResult<string>)).toMatchObject({
      kind: "invalid_argument",
      message: "expires_at is already past",
    });
    expect(errorOf(settled[5] as PromiseSettledResult<string>)?.kind).toBe("invalid_argument");
    const { jobs } = await engine.jobs.fetch("gc-refused", { count: 10, leaseMs: 0 });
    expect(jobs.map((job) => job.payload)).toEqual(['"holder"', '"a"', '"b"', '"c"', '"d"']);
  });

  it("two with one unique key: the first holds it, the second is refused naming the first", async () => {
    const settled = await Promise.allSettled([
      enqueueOne("gc-unique", '"first"', { unique: "k" }),
      enqueueOne("gc-unique", '"second"', { unique: "k" }),
    ]);
    const first = settled[0] as PromiseFulfilledResult<string>;
    expect(first.status).toBe("fulfilled");
    expect(errorOf(settled[1] as PromiseSettledResult<string>)?.message).toBe(
      `job already exists: job ${first.value} holds unique key k`,
    );
  });

  it("idempotency keys: the same request twice is one job, a different one is a mismatch", async () => {
    const enqueue = (payload: string) =>
      engine.jobs.enqueue("gc-idem", [payload], { idempotencyKey: "order-7" });
    const settled = await Promise.allSettled([enqueue('"x"'), enqueue('"x"'), enqueue('"y"')]);
    expect(settled[0]).toMatchObject({ status: "fulfilled", value: { duplicate: false } });
    const first = (settled[0] as PromiseFulfilledResult<{ ids: string[] }>).value.ids;
    expect(settled[1]).toMatchObject({ status: "fulfilled", value: { ids: first, duplicate: true } });
    expect(errorOf(settled[2] as PromiseSettledResult<unknown>)?.kind).toBe("idempotency_mismatch");
    expect(await engine.queues.queueInfo("gc-idem")).toMatchObject({ ready: 1 });
  });

  it("a queue at max_length takes the first ones and refuses the rest", async () => {
    await engine.queues.updateSettings("gc-full", { maxLength: 3 });
    const settled = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((n) => enqueueOne("gc-full", String(n), { delayMs: n === 2 ? 60_000 : 0 })),
    );
    expect(settled.map((s) => s.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "rejected",
    ]);
    expect(errorOf(settled[3] as PromiseSettledResult<string>)).toMatchObject({
      kind: "queue_full",
      message: "queue gc-full is full (3 waiting jobs); retry later",
    });
    expect(await engine.queues.queueInfo("gc-full")).toMatchObject({ ready: 2, delayed: 1 });
  });

  it("a batch enqueue in the same turn keeps its place after the singles before it", async () => {
    const [a, batch, b] = await Promise.all([
      enqueueOne("gc-mixed", '"single a"'),
      engine.jobs.enqueue("gc-mixed", ['"batch 1"', '"batch 2"']),
      enqueueOne("gc-mixed", '"single b"'),
    ]);
    expect([a, ...batch.ids, b].map(Number)).toEqual([1, 2, 3, 4]);
  });

  it("queues of their own: one call per queue", async () => {
    const calls = await callsDuring(["enqueueEach"], () =>
      Promise.all(["gc-q1", "gc-q2", "gc-q1", "gc-q2", "gc-q3"].map((queue) => enqueueOne(queue, "1"))),
    );
    expect(calls).toEqual({ enqueueEach: 3 });
  });

  it("a group is at most limits.max_batch_size jobs", async () => {
    const calls = await callsDuring(
      ["enqueueEach"],
      () =>
        Promise.all(Array.from({ length: 25 }, (_, n) => small.engine.jobs.enqueue("gc-cut", [String(n)]))),
      small,
    );
    expect(calls).toEqual({ enqueueEach: 3 });
    const { jobs } = await engine.jobs.fetch("gc-cut", { count: 30, leaseMs: 0 });
    expect(jobs.map((job) => job.payload)).toEqual(Array.from({ length: 25 }, (_, n) => String(n)));
  });
});

interface Lease {
  id: string;
  token: string;
}

describe("single acks arriving together", () => {
  async function leased(queue: string, count: number): Promise<Lease[]> {
    await engine.jobs.enqueue(
      queue,
      Array.from({ length: count }, (_, n) => String(n)),
    );
    return (await engine.jobs.fetch(queue, { count, leaseMs: 600_000 })).jobs.map((job) => ({
      id: job.id,
      token: job.leaseToken as string,
    }));
  }

  it("are one script call; a stale token or a missing job fails alone and changes nothing", async () => {
    const jobs = await leased("gc-acks", 5);
    const [first, second, third, fourth, fifth] = jobs as [Lease, Lease, Lease, Lease, Lease];
    let settled: PromiseSettledResult<unknown>[] = [];
    const calls = await callsDuring(["ackJobs"], async () => {
      settled = await Promise.allSettled([
        engine.jobs.ack("gc-acks", first.id, first.token),
        engine.jobs.ack("gc-acks", second.id, "999999"),
        engine.jobs.ack("gc-acks", third.id, third.token),
        engine.jobs.ack("gc-acks", "424242", "1"),
        engine.jobs.ack("gc-acks", fourth.id, fourth.token),
      ]);
    });
    expect(calls).toEqual({ ackJobs: 1 });
    expect(settled.map((s) => s.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    expect(errorOf(settled[1] as PromiseSettledResult<unknown>)).toMatchObject({
      kind: "stale_lease",
      message: `job ${second.id} of queue gc-acks is not leased under this token`,
    });
    expect(errorOf(settled[3] as PromiseSettledResult<unknown>)?.kind).toBe("not_found");
    // fencing: the refused ack left its job leased, under its own token
    expect(await engine.jobs.getJob("gc-acks", second.id)).toMatchObject({
      state: "leased",
      leaseToken: second.token,
    });
    expect(await engine.queues.queueInfo("gc-acks")).toMatchObject({ inFlight: 2, processed: 3 });
    await engine.jobs.ack("gc-acks", fifth.id, fifth.token);
  });

  it("the same ack twice in one turn finishes the job once", async () => {
    const [job] = (await leased("gc-ack-twice", 1)) as [Lease];
    const settled = await Promise.allSettled([
      engine.jobs.ack("gc-ack-twice", job.id, job.token),
      engine.jobs.ack("gc-ack-twice", job.id, job.token),
    ]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected"]);
    expect(await engine.queues.queueInfo("gc-ack-twice")).toMatchObject({ inFlight: 0, processed: 1 });
  });
});
