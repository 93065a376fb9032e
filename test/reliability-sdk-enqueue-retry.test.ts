import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { createPresqueClient } from "../src/sdk/client.ts";
import { useStallableRedisServer } from "./support/stallable-redis-server.ts";

// Issue 9, defect 1 (the producer's half): a 503 does not say whether the job was stored, so the
// SDK retries an enqueue with one idempotency key for every attempt, and a retry never adds it twice.

const stallable = useStallableRedisServer("sdk-retry");

async function ready(queue: string): Promise<number> {
  const info = (await (await fetch(`${stallable.server.baseUrl}/j/${queue}`)).json()) as { ready: number };
  return info.ready;
}

describe("the SDK producer under a stalled Redis", () => {
  it("retries an enqueue whose first attempt timed out (but was stored) without a duplicate", async () => {
    const retries: unknown[] = [];
    // Redis wakes between the attempts: it then runs the first (timed-out) enqueue, and the retry
    // finds its idempotency key.
    const client = createPresqueClient({
      baseUrl: stallable.server.baseUrl,
      onEnqueueRetry: (error) => {
        retries.push(error);
        process.kill(stallable.pid, "SIGCONT");
      },
    });
    process.kill(stallable.pid, "SIGSTOP");
    try {
      const single = await client.queue.enqueue({
        queue: "sdk-single",
        payload: { kind: { case: "numberValue", value: 1 } },
      });
      expect(retries).toHaveLength(1);
      expect((retries[0] as ConnectError).code).toBe(Code.Unavailable);
      expect(single.duplicate).toBe(false);
      expect(await ready("sdk-single")).toBe(1);

      process.kill(stallable.pid, "SIGSTOP");
      const batch = await client.queue.enqueueBatch({
        queue: "sdk-batch",
        payloads: [{ kind: { case: "numberValue", value: 1 } }, { kind: { case: "numberValue", value: 2 } }],
      });
      expect(retries).toHaveLength(2);
      expect(batch.ids).toHaveLength(2);
      expect(await ready("sdk-batch")).toBe(2);
    } finally {
      process.kill(stallable.pid, "SIGCONT");
      client.close();
    }
  });

  it("retries a coalesced batch of enqueue calls with one key: each caller gets its job's id, none added twice", async () => {
    const retries: unknown[] = [];
    const batches: number[] = [];
    const client = createPresqueClient({
      baseUrl: stallable.server.baseUrl,
      onEnqueueRetry: (error) => {
        retries.push(error);
        process.kill(stallable.pid, "SIGCONT");
      },
      interceptors: [
        (next) => (request) => {
          if (request.method.name === "EnqueueBatch")
            batches.push((request.message as { payloadsJson?: string[] }).payloadsJson?.length ?? 0);
          return next(request);
        },
      ],
    });
    process.kill(stallable.pid, "SIGSTOP");
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, n) => client.enqueue("sdk-coalesced", { n })),
      );
      // one batch, sent twice (the first attempt timed out but was stored), with the same key
      expect(batches).toEqual([20, 20]);
      expect(retries).toHaveLength(1);
      expect((retries[0] as ConnectError).code).toBe(Code.Unavailable);
      expect(results.every((result) => result.duplicate === false)).toBe(true);
      expect(await ready("sdk-coalesced")).toBe(20);
      const { jobs } = await client.queue.fetch({ queue: "sdk-coalesced", maxJobs: 20, autoAck: true });
      const stored = new Map(jobs.map((job) => [job.id, job.payloadJson]));
      results.forEach((result, n) => {
        expect(stored.get(result.id)).toBe(JSON.stringify({ n }));
      });
    } finally {
      process.kill(stallable.pid, "SIGCONT");
      client.close();
    }
  });

  it("keeps the caller's idempotency key, and with enqueueRetries 0 reports the 503", async () => {
    const once = createPresqueClient({ baseUrl: stallable.server.baseUrl, enqueueRetries: 0 });
    process.kill(stallable.pid, "SIGSTOP");
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
      process.kill(stallable.pid, "SIGCONT");
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
