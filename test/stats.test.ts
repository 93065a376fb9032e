import { randomBytes } from "node:crypto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { StatsService } from "../gen/presque/v1/stats_service_pb.ts";
import { defaultConfig } from "../src/config/config.ts";
import { openEngine } from "../src/engine/open-engine.ts";
import { readQueueHistory } from "../src/engine/views/queue-history.ts";
import { curl, json } from "./support/curl.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

let server: TestServer;
let stats: ReturnType<typeof createClient<typeof StatsService>>;
beforeAll(async () => {
  server = await startTestServer();
  stats = createClient(StatsService, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" }));
});
afterAll(() => server.stop());

const enqueue = async (queue: string, body = "{}") =>
  (json(await curl("-X", "POST", `${server.baseUrl}/q/${queue}`, "-d", body)) as { id: string }).id;

describe("StatsService.WatchStats", () => {
  it("sends a snapshot at once, then follows the queue as jobs arrive", async () => {
    await enqueue("watched");
    const seen: number[] = [];
    for await (const message of stats.watchStats({ intervalMs: 500 })) {
      const ready = Number(message.queues.find((q) => q.info?.queue === "watched")?.info?.ready ?? -1);
      seen.push(ready);
      if (seen.length === 1) await enqueue("watched");
      if (ready === 2) break;
    }
    expect(seen[0]).toBe(1);
    expect(seen.at(-1)).toBe(2);
  });

  it("reports the wait of the head of the ready set, and the enqueue rate", async () => {
    const id = await enqueue("aged");
    const job = json(await curl(`${server.baseUrl}/q/aged/${id}`)) as { enqueued_at: string };
    for await (const message of stats.watchStats({})) {
      const aged = message.queues.find((q) => q.info?.queue === "aged");
      const at = timestampMs(message.time as NonNullable<typeof message.time>);
      expect(aged?.oldestReadyAgeSeconds).toBeCloseTo((at - Date.parse(job.enqueued_at)) / 1000, 3);
      expect(aged?.enqueueRate).toBeGreaterThan(0);
      expect(aged?.processRate).toBe(0);
      break;
    }
  });

  it("ends with 'unavailable' when the server shuts down, so the dashboard reconnects", async () => {
    const doomed = await startTestServer();
    const client = createClient(
      StatsService,
      createConnectTransport({ baseUrl: doomed.baseUrl, httpVersion: "1.1" }),
    );
    const error = await (async () => {
      for await (const _ of client.watchStats({ intervalMs: 60_000 })) await doomed.stop();
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.Unavailable);
  });

  it("refuses an interval below half a second", async () => {
    const error = await (async () => {
      for await (const _ of stats.watchStats({ intervalMs: 10 })) break;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
  });
});

describe("StatsService.GetQueueHistory and GET /stats/:queue/history", () => {
  it("gives an hour of minutes, oldest first, counting every enqueue and the depth of now", async () => {
    for (const n of [1, 2, 3]) await enqueue("history", String(n));
    const { minutes } = await stats.getQueueHistory({ queue: "history" });
    expect(minutes).toHaveLength(60);
    const starts = minutes.map((m) => timestampMs(m.start as NonNullable<typeof m.start>));
    expect(starts.every((start, i) => i === 0 || start - (starts[i - 1] as number) === 60_000)).toBe(true);
    expect(minutes.reduce((sum, m) => sum + Number(m.enqueued), 0)).toBe(3);
    expect(minutes.at(-1)?.ready).toBe(3n);
  });

  it("serves the same over REST, and refuses more than an hour", async () => {
    const answer = json(await curl(`${server.baseUrl}/stats/history/history?minutes=5`)) as {
      minutes: { enqueued: number; ready?: number }[];
    };
    expect(answer.minutes).toHaveLength(5);
    expect(answer.minutes.at(-1)?.ready).toBe(3);
    expect((await curl(`${server.baseUrl}/stats/history/history?minutes=61`)).status).toBe(400);
  });
});

describe("the depth sampler", () => {
  it("writes each queue's depth into the current minute bucket", async () => {
    const redis = new Redis(inject("redisUrl"));
    const config = { ...defaultConfig, prefix: `t${randomBytes(4).toString("hex")}` };
    const opened = await openEngine({ redis, config, onError: () => {} });
    try {
      await opened.engine.jobs.enqueue("sampled", ["1", "2"]);
      await opened.engine.jobs.enqueue("sampled", ["3"], { delayMs: 60_000 });
      await opened.sampleDepths();
      const [bucket] = await readQueueHistory(opened.store, "sampled", 1, await opened.store.nowMs());
      expect(bucket).toMatchObject({ ready: 2, delayed: 1, inFlight: 0, enqueued: 3 });
    } finally {
      await opened.close();
      redis.disconnect();
    }
  });
});
