import { Code, ConnectError } from "@connectrpc/connect";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPresqueClient } from "../src/sdk/client.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";
import { startThrowawayRedis, type ThrowawayRedis } from "./support/throwaway-redis.ts";

// Issue 9, defect 1 (the producer's half): a 503 does not say whether the job was stored, so the
// SDK retries an enqueue with one idempotency key for every attempt, and a retry never adds it twice.

let redis: ThrowawayRedis;
let pid: number;
let server: TestServer;

beforeAll(async () => {
  redis = await startThrowawayRedis("sdk-retry");
  const probe = new Redis(redis.url);
  pid = Number(/process_id:(\d+)/.exec(await probe.info("server"))?.[1]);
  probe.disconnect();
  server = await startTestServer({ redis: { url: redis.url }, redisCommandTimeoutMs: 300 });
});

afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

async function ready(queue: string): Promise<number> {
  const info = (await (await fetch(`${server.baseUrl}/j/${queue}`)).json()) as { ready: number };
  return info.ready;
}

describe("the SDK producer under a stalled Redis", () => {
  it("retries an enqueue whose first attempt timed out (but was stored) without a duplicate", async () => {
    const retries: unknown[] = [];
    // Redis wakes between the attempts: it then runs the first (timed-out) enqueue, and the retry
    // finds its idempotency key.
    const client = createPresqueClient({
      baseUrl: server.baseUrl,
      onEnqueueRetry: (error) => {
        retries.push(error);
        process.kill(pid, "SIGCONT");
      },
    });
    process.kill(pid, "SIGSTOP");
    try {
      const single = await client.queue.enqueue({
        queue: "sdk-single",
        payload: { kind: { case: "numberValue", value: 1 } },
      });
      expect(retries).toHaveLength(1);
      expect((retries[0] as ConnectError).code).toBe(Code.Unavailable);
      expect(single.duplicate).toBe(false);
      expect(await ready("sdk-single")).toBe(1);

      process.kill(pid, "SIGSTOP");
      const batch = await client.queue.enqueueBatch({
        queue: "sdk-batch",
        payloads: [{ kind: { case: "numberValue", value: 1 } }, { kind: { case: "numberValue", value: 2 } }],
      });
      expect(retries).toHaveLength(2);
      expect(batch.ids).toHaveLength(2);
      expect(await ready("sdk-batch")).toBe(2);
    } finally {
      process.kill(pid, "SIGCONT");
      client.close();
    }
  });

  it("keeps the caller's idempotency key, and with enqueueRetries 0 reports the 503", async () => {
    const once = createPresqueClient({ baseUrl: server.baseUrl, enqueueRetries: 0 });
    process.kill(pid, "SIGSTOP");
    try {
      const failed = await once.queue
        .enqueue({
          queue: "sdk-own",
          payload: { kind: { case: "numberValue", value: 1 } },
          options: { idempotencyKey: "mine" },
        })
        .catch((error: unknown) => error);
      expect(ConnectError.from(failed).code).toBe(Code.Unavailable);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    // The 503 enqueue was stored after all; the same key, retried by hand, finds it.
    const again = await once.queue.enqueue({
      queue: "sdk-own",
      payload: { kind: { case: "numberValue", value: 1 } },
      options: { idempotencyKey: "mine" },
    });
    expect(again.duplicate).toBe(true);
    expect(await ready("sdk-own")).toBe(1);
    once.close();
  });
});
