import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { OpenEngine } from "../src/engine/open-engine.ts";
import { createKeySpace } from "../src/engine/store/keys.ts";
import { openTestEngine } from "./support/test-engine.ts";

/**
 * The due channel: a script that makes a delayed job its queue's earliest PUBLISHes
 * "<due ms> <queue>", so every process's reaper knows when that queue next falls due. Messages
 * arrive in the order they were published, so what came before a marker (a delayed job in a
 * queue of its own, which is always announced) is everything the steps before it announced.
 */
const prefix = `t${randomBytes(4).toString("hex")}`;
let redis: Redis;
let listener: Redis;
let opened: OpenEngine;
const heard: { dueMs: number; queue: string }[] = [];
let onHeard = () => {};
let markers = 0;

beforeAll(async () => {
  redis = new Redis(inject("redisUrl"));
  listener = new Redis(inject("redisUrl"));
  listener.on("message", (_channel: string, message: string) => {
    const [due, queue] = message.split(" ");
    heard.push({ dueMs: Number(due), queue: queue as string });
    onHeard();
  });
  await listener.subscribe(createKeySpace(prefix).dueChannel);
  opened = await openTestEngine(redis, prefix, {}, { background: false });
});
afterAll(async () => {
  await opened.close();
  await redis.quit();
  listener.disconnect();
});

const jobs = () => opened.engine.jobs;

/** What was announced since the last call, up to a marker enqueued now. */
async function announced(): Promise<{ dueMs: number; queue: string }[]> {
  const marker = `marker-${++markers}`;
  const arrived = new Promise<void>((resolve) => {
    onHeard = () => {
      if (heard.some((m) => m.queue === marker)) resolve();
    };
  });
  await jobs().enqueue(marker, ['"mark"'], { delayMs: 3_600_000 });
  await arrived;
  const until = heard.findIndex((m) => m.queue === marker);
  return heard.splice(0, until + 1).slice(0, -1);
}

/** Runs `step` and resolves with the Redis clock just before and just after it. */
async function between(step: () => Promise<unknown>): Promise<[number, number]> {
  const before = await opened.store.nowMs();
  await step();
  return [before, await opened.store.nowMs()];
}

describe("the due channel", () => {
  it("announces a delayed job only when it becomes its queue's earliest", async () => {
    await announced();
    const [before, after] = await between(() =>
      jobs().enqueue("due-order", ['"10 min"'], { delayMs: 600_000 }),
    );
    await jobs().enqueue("due-order", ['"20 min"'], { delayMs: 1_200_000 });
    await jobs().enqueue("due-order", ['"now"']);
    await jobs().enqueue("due-order", ['"also 10 min"'], { runAtMs: after + 600_000 });
    // a batch is announced once, with its due time
    const [batchBefore, batchAfter] = await between(() =>
      jobs().enqueue("due-order", ['"5 min"', '"5 min too"'], { delayMs: 300_000 }),
    );
    const messages = await announced();
    expect(messages.map((m) => m.queue)).toEqual(["due-order", "due-order"]);
    const [first, second] = messages.map((m) => m.dueMs);
    expect(first).toBeGreaterThanOrEqual(before + 600_000);
    expect(first).toBeLessThanOrEqual(after + 600_000);
    expect(second).toBeGreaterThanOrEqual(batchBefore + 300_000);
    expect(second).toBeLessThanOrEqual(batchAfter + 300_000);
  });

  it("announces a retry that becomes the earliest, not one stored ready or behind the head", async () => {
    await announced();
    await jobs().enqueue("due-retry", ['"a"', '"b"', '"c"']);
    const leased = (await jobs().fetch("due-retry", { count: 3, leaseMs: 60_000 })).jobs;
    const nack = (index: number, delayMs: number) => {
      const job = leased[index];
      return jobs().nack("due-retry", job?.id as string, job?.leaseToken as string, { error: "x", delayMs });
    };
    await nack(0, 0);
    const retry = await nack(1, 60_000);
    await nack(2, 120_000);
    const messages = await announced();
    expect(messages.map((m) => m.queue)).toEqual(["due-retry"]);
    expect(retry.outcome === "retry" && retry.dueAt).toBe(messages[0]?.dueMs);
  });

  it("announces again once the set emptied", async () => {
    await announced();
    const { ids } = await jobs().enqueue("due-again", ['"soon"'], { delayMs: 600_000 });
    await jobs().promote("due-again", ids[0] as string);
    await jobs().enqueue("due-again", ['"later"'], { delayMs: 1_200_000 });
    expect((await announced()).map((m) => m.queue)).toEqual(["due-again", "due-again"]);
  });
});
