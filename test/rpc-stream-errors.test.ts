import { randomBytes } from "node:crypto";
import { fromJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RunningPresque, startPresque } from "../src/app/start-presque.ts";
import { defaultConfig } from "../src/config/config.ts";
import { createJsonLogger } from "../src/log.ts";
import { createPresqueClient, type PresqueClient } from "../src/sdk/client.ts";

/** A real server whose log lines are collected, and the Redis under it, to break a queue's keys. */
const prefix = `t${randomBytes(4).toString("hex")}`;
const lines: Record<string, unknown>[] = [];
let presque: RunningPresque;
let client: PresqueClient;
let redis: Redis;
beforeAll(async () => {
  const log = createJsonLogger((line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  const config = { ...defaultConfig, host: "127.0.0.1", port: 0, redis: { url: inject("redisUrl") }, prefix };
  presque = await startPresque({ ...config, logRequests: false }, log);
  client = createPresqueClient({ baseUrl: `http://127.0.0.1:${presque.port}` });
  redis = new Redis(inject("redisUrl"));
});
afterAll(async () => {
  client?.close();
  await presque?.stop();
  await redis?.quit();
});

/** The interceptor's lines ("unexpected error", with the procedure's URL) since line `from`. */
const unexpected = (procedure: string, from = 0) =>
  lines
    .slice(from)
    .filter((line) => line.msg === "unexpected error" && String(line.procedure).endsWith(procedure));

/** Makes a queue's ready set a string: every script and read of it then fails with WRONGTYPE. */
const breakQueue = async (queue: string) => {
  const ready = `${prefix}:{${queue}}:ready`;
  await redis.del(ready);
  await redis.set(ready, "not a sorted set");
};

const caught = async (stream: AsyncIterable<unknown>, afterFirst: () => Promise<void> = async () => {}) => {
  let first = true;
  try {
    for await (const _ of stream) {
      if (first) await afterFirst();
      first = false;
    }
  } catch (error) {
    return error;
  }
  throw new Error("the stream ended without an error");
};

describe("errors raised inside server streams", () => {
  it("WatchStats: an unexpected error mid-stream is logged once and answered as internal", async () => {
    await client.queue.enqueue({ queue: "broken-stats", payload: fromJson(ValueSchema, 1) });
    const error = await caught(client.stats.watchStats({ intervalMs: 500 }), () =>
      breakQueue("broken-stats"),
    );
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.Internal);
    expect((error as ConnectError).rawMessage).toBe("internal error");
    const logged = unexpected("/presque.v1.StatsService/WatchStats");
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged[0]?.error)).toMatch(/WRONGTYPE/);
  });

  it("Subscribe: an unexpected error after the first message is logged once and answered as internal", async () => {
    await breakQueue("broken-sub");
    const error = await caught(client.consumer.subscribe({ queues: ["broken-sub"] }));
    expect((error as ConnectError).code).toBe(Code.Internal);
    const logged = unexpected("/presque.v1.ConsumerService/Subscribe");
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged[0]?.error)).toMatch(/WRONGTYPE/);
  });

  it("a PresqueError inside a stream keeps its code and is not logged", async () => {
    const from = lines.length;
    const subscribe = await caught(client.consumer.subscribe({ queues: ["fine"], heartbeatSeconds: 100 }));
    expect((subscribe as ConnectError).code).toBe(Code.InvalidArgument);
    expect((subscribe as ConnectError).rawMessage).toBe("heartbeat must be from 1 to 60 seconds");
    const watch = await caught(client.stats.watchStats({ intervalMs: 10 }));
    expect((watch as ConnectError).code).toBe(Code.InvalidArgument);
    expect(unexpected("", from)).toEqual([]);
  });

  it("a client that cancels its stream is not an unexpected error", async () => {
    const queue = "cancelled";
    const from = lines.length;
    const { id } = await client.queue.enqueue({ queue, payload: fromJson(ValueSchema, 1) });
    const cancel = new AbortController();
    for await (const message of client.consumer.subscribe({ queues: [queue] }, { signal: cancel.signal })) {
      if (message.event.case === "job") break; // leaving the loop aborts the call
    }
    // The release runs as the stream unwinds, before its error reaches the interceptor: once the
    // job is back, the interceptor has already seen the cancellation.
    let job = (await client.queue.getJob({ queue, id })).job;
    while (job?.leaseToken) job = (await client.queue.getJob({ queue, id })).job;
    expect(job?.leaseToken).toBe("");
    expect(unexpected("", from)).toEqual([]);
  });
});
