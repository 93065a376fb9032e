import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import type { EnqueueCoalescingOptions } from "../src/sdk/enqueue-coalescer.ts";
import {
  createPresqueClient,
  type EnqueueResult,
  type FullPresqueClient,
  type PresqueClientOptions,
} from "../src/sdk/index.ts";
import { useTestServer } from "./support/presque-server.ts";

/*
 * client.enqueue from many concurrent callers: the calls made together go to presque as a few
 * EnqueueBatch requests (counted by an interceptor of the test's own), each caller still gets its
 * own id, or its own error, and a lone call on an idle client goes out at once, as an Enqueue.
 */

const presque = useTestServer();
const clients: FullPresqueClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

/** A client whose requests are counted by method name ("Enqueue", "EnqueueBatch"), with batch sizes. */
function countingClient(
  enqueueCoalescing?: EnqueueCoalescingOptions | false,
  transport: Partial<PresqueClientOptions> = {},
) {
  const sent: { method: string; jobs: number }[] = [];
  const count: Interceptor = (next) => (request) => {
    const message = request.message as { payloadsJson?: string[] };
    sent.push({ method: request.method.name, jobs: message.payloadsJson?.length ?? 1 });
    return next(request);
  };
  const client = createPresqueClient({
    baseUrl: presque.url,
    interceptors: [count],
    enqueueCoalescing,
    ...transport,
  });
  clients.push(client);
  const requests = (method: string) => sent.filter((request) => request.method === method);
  return { client, sent, requests };
}

/** Every job of a queue, by id, taken at once (at-most-once fetch). */
async function takeAll(client: FullPresqueClient, queue: string): Promise<Map<string, string>> {
  const { jobs } = await client.queue.fetch({ queue, maxJobs: 1000, autoAck: true });
  return new Map(jobs.map((job) => [job.id, job.payloadJson]));
}

const increasing = (ids: string[]) => ids.every((id, i) => i === 0 || BigInt(id) > BigInt(ids[i - 1] ?? 0));

const transports: Record<string, Partial<PresqueClientOptions>> = {
  "Connect over HTTP/1.1": {},
  "Connect over HTTP/2": { httpVersion: "2" },
  gRPC: { protocol: "grpc" },
};

describe("concurrent enqueue calls share EnqueueBatch requests", () => {
  it.each(Object.entries(transports))(
    "1000 calls made together go as 10 batches of 100, each caller with its own id, in call order (%s)",
    async (name, transport) => {
      const queue = `coalesce-many-${name.replace(/\W+/g, "-")}`;
      const { client, sent, requests } = countingClient({ maxJobs: 100 }, transport);
      const results = await Promise.all(Array.from({ length: 1000 }, (_, n) => client.enqueue(queue, { n })));

      expect(requests("Enqueue")).toHaveLength(0);
      expect(requests("EnqueueBatch").map((request) => request.jobs)).toEqual(Array(10).fill(100));
      expect(sent).toHaveLength(10);
      const ids = results.map((result) => result.id);
      expect(new Set(ids).size).toBe(1000);
      expect(results.every((result) => result.duplicate === false)).toBe(true);
      for (let batch = 0; batch < 10; batch++)
        expect(increasing(ids.slice(batch * 100, batch * 100 + 100))).toBe(true);
      const stored = await takeAll(client, queue);
      expect(stored.size).toBe(1000);
      results.forEach((result, n) => {
        expect(stored.get(result.id)).toBe(JSON.stringify({ n }));
      });
    },
  );

  it("while requests are in flight, new calls wait and go together when one returns", async () => {
    const queue = "coalesce-in-flight";
    const { client, requests } = countingClient({ maxInFlight: 1 });
    // 50 callers, each enqueueing 4 jobs one after the other
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, caller) => {
        const mine: EnqueueResult[] = [];
        for (let k = 0; k < 4; k++) mine.push(await client.enqueue(queue, { caller, k }));
        return mine;
      }),
    );
    expect(requests("EnqueueBatch").map((request) => request.jobs)).toEqual([50, 50, 50, 50]);
    for (const mine of results) expect(increasing(mine.map((result) => result.id))).toBe(true);
    expect((await takeAll(client, queue)).size).toBe(200);
  });

  it("a lone call on an idle client goes out alone, as an Enqueue, before the next turn's callbacks", async () => {
    const queue = "coalesce-idle";
    const { client, sent } = countingClient();
    const enqueued = client.enqueue(queue, "alone");
    // Our setImmediate runs after the client's own: the call has been sent by then, no timer waited for.
    const seenByNextTurn = await new Promise<number>((resolve) => setImmediate(() => resolve(sent.length)));
    expect(seenByNextTurn).toBe(1);
    expect((await enqueued).duplicate).toBe(false);
    expect(sent).toEqual([{ method: "Enqueue", jobs: 1 }]);
  });

  it("with enqueueCoalescing false every call is a request of its own", async () => {
    const { client, requests } = countingClient(false);
    await Promise.all(Array.from({ length: 10 }, (_, n) => client.enqueue("coalesce-off", n)));
    expect(requests("Enqueue")).toHaveLength(10);
    expect(requests("EnqueueBatch")).toHaveLength(0);
  });
});

describe("on the wire", () => {
  it.each(Object.entries(transports))(
    "an EnqueueBatch answer comes uncompressed; other answers may still be gzipped (%s)",
    async (name, transport) => {
      const encodingHeader = transport.protocol === "grpc" ? "grpc-encoding" : "content-encoding";
      const encodings: Record<string, string | null> = {};
      const watch: Interceptor = (next) => async (request) => {
        const response = await next(request);
        encodings[request.method.name] = response.header.get(encodingHeader);
        return response;
      };
      const client = createPresqueClient({ baseUrl: presque.url, interceptors: [watch], ...transport });
      clients.push(client);
      const queue = `coalesce-encoding-${name.replace(/\W+/g, "-")}`;
      // 400 ids are past connect's 1 KiB threshold for compressing an answer
      await client.enqueueBatch(
        queue,
        Array.from({ length: 400 }, (_, n) => ({ n, text: "a".repeat(20) })),
      );
      await client.queue.fetch({ queue, maxJobs: 400, autoAck: true });
      expect(encodings).toEqual({ EnqueueBatch: null, Fetch: "gzip" });
    },
  );
});

describe("each caller gets its own outcome", () => {
  it("one payload that is not JSON fails only its caller; the others are stored", async () => {
    const queue = "coalesce-one-bad";
    const { client, requests } = countingClient();
    const texts = ["1", "2", "{nope", "4", "5"];
    const outcomes = await Promise.allSettled(texts.map((text) => client.enqueueJson(queue, text)));

    const refused = outcomes[2] as PromiseRejectedResult;
    expect(ConnectError.from(refused.reason).code).toBe(Code.InvalidArgument);
    // the words of a call of its own, not of a batch's payloads_json[2]
    expect(ConnectError.from(refused.reason).rawMessage).toMatch(/^payload_json is not JSON/);
    const ids = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value.id] : []));
    expect(ids).toHaveLength(4);
    // the batch was refused whole, then each call went alone
    expect(requests("EnqueueBatch")).toHaveLength(1);
    expect(requests("Enqueue")).toHaveLength(5);
    expect([...(await takeAll(client, queue)).values()].sort()).toEqual(["1", "2", "4", "5"]);
  });

  it("a queue with room for some: as many calls as fit are stored, the rest refused with RESOURCE_EXHAUSTED", async () => {
    const queue = "coalesce-full";
    const { client } = countingClient();
    await client.control.updateQueueSettings({ queue, settings: { maxLength: 3 } });
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, n) => client.enqueue(queue, n)));
    const stored = outcomes.flatMap((outcome, n) => (outcome.status === "fulfilled" ? [String(n)] : []));
    expect(stored).toHaveLength(3);
    for (const outcome of outcomes) {
      if (outcome.status === "rejected")
        expect(ConnectError.from(outcome.reason).code).toBe(Code.ResourceExhausted);
    }
    expect([...(await takeAll(client, queue)).values()].sort()).toEqual(stored.sort());
  });

  it("calls with other options go in other requests; a unique or idempotency key goes alone", async () => {
    const queue = "coalesce-options";
    const { client, requests } = countingClient();
    const results = await Promise.all([
      client.enqueue(queue, "p5-a", { priority: 5 }),
      client.enqueue(queue, "plain-a"),
      client.enqueue(queue, "p5-b", { priority: 5 }),
      client.enqueue(queue, "plain-b"),
      client.enqueue(queue, "unique", { uniqueKey: "u-1" }),
      client.enqueue(queue, "own-key", { idempotencyKey: "k-1" }),
    ]);
    expect(requests("EnqueueBatch").map((request) => request.jobs)).toEqual([2, 2]);
    expect(requests("Enqueue")).toHaveLength(2);
    const priorities = await Promise.all(
      results.map(async ({ id }) => (await client.queue.getJob({ queue, id })).job?.priority),
    );
    expect(priorities).toEqual([5, 0, 5, 0, 0, 0]);
    expect(await client.enqueue(queue, "own-key", { idempotencyKey: "k-1" })).toEqual({
      id: results[5]?.id,
      duplicate: true,
    });
  });

  it("a caller whose signal aborts while its call waits is refused with CANCELED, its job never sent", async () => {
    const queue = "coalesce-abort";
    const { client, requests } = countingClient();
    const controller = new AbortController();
    const calls = [
      client.enqueue(queue, "kept-1", { signal: new AbortController().signal }),
      client.enqueue(queue, "dropped", { signal: controller.signal }),
      client.enqueue(queue, "kept-2"),
    ];
    controller.abort();
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(ConnectError.from((outcomes[1] as PromiseRejectedResult).reason).code).toBe(Code.Canceled);
    expect(requests("EnqueueBatch").map((request) => request.jobs)).toEqual([2]);
    expect([...(await takeAll(client, queue)).values()].sort()).toEqual(['"kept-1"', '"kept-2"']);
  });

  it("a payload too large for one batch goes alone; the batches stay within maxChars", async () => {
    const queue = "coalesce-chars";
    const { client, requests } = countingClient({ maxChars: 100 });
    const big = "x".repeat(150);
    await Promise.all([
      client.enqueue(queue, "a".repeat(40)),
      client.enqueue(queue, "b".repeat(40)),
      client.enqueue(queue, big),
      client.enqueue(queue, "c".repeat(40)),
    ]);
    // 42 + 42 characters fit in 100; the big one (152) goes alone, and "c" after it, as Enqueues
    expect(requests("EnqueueBatch").map((request) => request.jobs)).toEqual([2]);
    expect(requests("Enqueue")).toHaveLength(2);
    expect((await takeAll(client, queue)).size).toBe(4);
  });

  it("refuses coalescing settings that are not positive integers", () => {
    expect(() => createPresqueClient({ baseUrl: presque.url, enqueueCoalescing: { maxJobs: 0 } })).toThrow(
      /enqueueCoalescing.maxJobs must be a positive integer/,
    );
  });
});
