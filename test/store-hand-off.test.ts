import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { OpenEngine } from "../src/engine/open-engine.ts";
import type { ScriptName } from "../src/engine/store/script-loader.ts";
import { openTestEngine } from "./support/test-engine.ts";

/**
 * The hand-off: an enqueue leases its jobs to a consumer of the same process that waits on the
 * queue, in the enqueue's own script call, so that consumer needs no fetch of its own.
 */
let redis: Redis;
let opened: OpenEngine;
const prefix = `t${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  redis = new Redis(inject("redisUrl"));
  opened = await openTestEngine(redis, prefix);
});
afterAll(async () => {
  await opened.close();
  await redis.quit();
});

const calls = (names: ScriptName[]) => names.map((name) => opened.store.scriptCalls(name));
const job = (payload: string) => ({
  payload,
  options: { priority: 0, delayMs: 0, idempotencyMs: 60_000 },
});

describe("an enqueue with a consumer waiting in this process", () => {
  it("leases the job to a waiting long poll in its own script call: no fetch after the enqueue", async () => {
    const { jobs } = opened.engine;
    const polling = jobs.fetch("ho-poll", { count: 5, leaseMs: 30_000, waitMs: 10_000 });
    // the poll's first fetch found nothing and it now waits (its waiter is armed)
    await waitUntilWaiting("ho-poll");
    const [enqueues, fetches] = calls(["enqueueEach", "fetchJobs"]);
    const { ids } = await jobs.enqueue("ho-poll", ['{"n":1}']);
    const result = await polling;
    expect(result.jobs.map((j) => [j.id, j.payload, j.state, j.attempt])).toEqual([
      [ids[0], '{"n":1}', "leased", 1],
    ]);
    expect(calls(["enqueueEach", "fetchJobs"])).toEqual([(enqueues as number) + 1, fetches]);
    // the lease is real: its token acks it
    await jobs.ack("ho-poll", result.jobs[0]?.id ?? "", result.jobs[0]?.leaseToken ?? "");
  });

  it("gives the job back when the consumer stopped waiting before the enqueue was answered", async () => {
    const { jobs } = opened.engine;
    const gone = new AbortController();
    const polling = jobs.fetch("ho-gone", { count: 1, leaseMs: 30_000, waitMs: 10_000, signal: gone.signal });
    await waitUntilWaiting("ho-gone");
    const enqueued = jobs.enqueue("ho-gone", ['{"n":2}']);
    // after the group commit's setImmediate (the claim, the script sent), before Redis answers
    setImmediate(() => gone.abort());
    expect((await polling).jobs).toEqual([]);
    const { ids } = await enqueued;
    // released as if never handed out: ready again, its attempt undone, its delivery counted
    const next = await jobs.fetch("ho-gone", { count: 1, leaseMs: 30_000, waitMs: 10_000 });
    expect(next.jobs.map((j) => [j.id, j.attempt, j.deliveries])).toEqual([[ids[0], 1, 2]]);
  });
});

describe("an enqueue with an idle subscription in this process", () => {
  it("hands the job to the waiting subscription: its event comes without a fetch", async () => {
    const stop = new AbortController();
    const events = opened.subscriptions.subscribe({
      queues: ["ho-sub"],
      prefetch: 3,
      leaseMs: 30_000,
      signal: stop.signal,
      shutdownSignal: new AbortController().signal,
    });
    expect((await events.next()).value?.type).toBe("subscribed");
    const next = events.next(); // the subscription fetches, finds nothing, and waits
    await waitUntilWaiting("ho-sub");
    const [fetches] = calls(["fetchJobs"]);
    const { ids } = await opened.engine.jobs.enqueue("ho-sub", ['{"n":3}']);
    const event = (await next).value;
    expect(event?.type === "job" ? [event.job.id, event.job.state] : event).toEqual([ids[0], "leased"]);
    expect(calls(["fetchJobs"])).toEqual([fetches]);
    stop.abort();
    await events.return(undefined);
  });
});

describe("enqueueEach with a hand-off (the script)", () => {
  const wakeChannel = `${prefix}:wake`;
  let listener: Redis;
  beforeAll(async () => {
    listener = new Redis(inject("redisUrl"));
    await listener.subscribe(wakeChannel);
  });
  afterAll(() => listener.quit());

  /** The next message on the wake channel after `work`; a marker published after it says "none". */
  const wakeAfter = async (work: () => Promise<unknown>) => {
    const heard = once(listener, "message") as Promise<[string, string]>;
    await work();
    await redis.publish(wakeChannel, "marker");
    return (await heard)[1];
  };

  it("publishes no wake when the hand-off took every ready job", async () => {
    let handed: string[] = [];
    const message = await wakeAfter(async () => {
      const reply = await opened.store.jobs.enqueueEach("ho-all", [job("1"), job("2")], {
        count: 5,
        leaseMs: 30_000,
      });
      handed = reply.handed?.jobs.map((j) => j.payload) ?? [];
    });
    expect(handed).toEqual(["1", "2"]);
    expect(message).toBe("marker");
  });

  it("publishes the wake when jobs are still ready after it", async () => {
    let handed: string[] = [];
    const message = await wakeAfter(async () => {
      const reply = await opened.store.jobs.enqueueEach("ho-some", [job("1"), job("2")], {
        count: 1,
        leaseMs: -1,
      });
      handed = reply.handed?.jobs.map((j) => j.payload) ?? [];
    });
    expect(handed).toEqual(["1"]);
    expect(message).toBe("ho-some");
  });

  it("hands nothing out of a stopped queue, and still stores the job", async () => {
    await opened.engine.queues.setStopped("ho-stopped", true);
    const reply = await opened.store.jobs.enqueueEach("ho-stopped", [job("1")], {
      count: 1,
      leaseMs: 30_000,
    });
    expect(reply.replies.map((r) => r.code)).toEqual(["ok"]);
    expect(reply.handed).toEqual({ jobs: [], stopped: true });
  });
});

/** Resolves once a long poll of `queue` waits: its first fetch was answered empty. */
const waitUntilWaiting = (queue: string) => vi.waitUntil(() => opened.store.wake.waiting(queue) > 0);
