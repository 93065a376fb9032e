import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { AckResult, type SubscribeRequestSchema } from "../gen/presque/v1/consumer_service_pb.ts";
import type { Job } from "../gen/presque/v1/job_pb.ts";
import { createPresqueClient } from "../src/sdk/client.ts";
import { startTestServer, useTestServerAndClient } from "./support/presque-server.ts";

const presque = useTestServerAndClient();

const json = (value: JsonValue) => fromJson(ValueSchema, value);
const enqueue = async (queue: string, payload: JsonValue, target = presque.client) =>
  (await target.queue.enqueue({ queue, payload: json(payload) })).id;

/** A Subscribe call read one event at a time. */
function subscribe(request: MessageInitShape<typeof SubscribeRequestSchema>, target = presque.client) {
  const cancel = new AbortController();
  const events = target.consumer.subscribe(request, { signal: cancel.signal })[Symbol.asyncIterator]();
  const next = async () => {
    const result = await events.next();
    if (result.done) throw new Error("stream ended");
    return result.value.event;
  };
  return {
    next,
    async nextJob(): Promise<Job> {
      for (;;) {
        const event = await next();
        if (event.case === "job") return event.value;
      }
    },
    cancel: () => cancel.abort(),
  };
}

describe("Subscribe", () => {
  it("sends `subscribed` at once, before any job exists", async () => {
    const stream = subscribe({ queues: ["sub-empty"] });
    const first = await stream.next();
    expect(first.case).toBe("subscribed");
    expect(first.case === "subscribed" && first.value.prefetch).toBe(1);
    stream.cancel();
  });

  it("delivers a job enqueued after subscribing, leased, without waiting for a heartbeat", async () => {
    // A 60 s heartbeat: a loop that only looked again at each heartbeat would miss the test timeout.
    const stream = subscribe({ queues: ["sub-live"], heartbeatSeconds: 60 });
    expect((await stream.next()).case).toBe("subscribed");
    const id = await enqueue("sub-live", { hello: "stream" });
    const job = await stream.nextJob();
    expect(job).toMatchObject({ id, queue: "sub-live", attempt: 1 });
    expect(job.leaseToken).not.toBe("");
    await presque.client.queue.ack({ queue: "sub-live", id, leaseToken: job.leaseToken });
    stream.cancel();
  });

  it("sends no more than prefetch unacked jobs; an ack makes room for the next", async () => {
    const queue = "sub-credit";
    const ids = [await enqueue(queue, 1), await enqueue(queue, 2), await enqueue(queue, 3)];
    const stream = subscribe({ queues: [queue], prefetch: 2, heartbeatSeconds: 1 });
    const first = await stream.nextJob();
    const second = await stream.nextJob();
    expect([first.id, second.id]).toEqual(ids.slice(0, 2));
    // Out of credit: the third job is ready, yet the next event is a heartbeat.
    expect((await stream.next()).case).toBe("heartbeat");
    // The ack returns the credit at once: the job comes before the next heartbeat is due.
    await presque.client.queue.ack({ queue, id: first.id, leaseToken: first.leaseToken });
    const next = await stream.next();
    expect(next.case === "job" && next.value.id).toBe(ids[2]);
    stream.cancel();
  });

  it("serves the queues in the order named: earlier queues first", async () => {
    const low = await enqueue("sub-low", "low");
    const high = await enqueue("sub-high", "high");
    const stream = subscribe({ queues: ["sub-high", "sub-low"] });
    const first = await stream.nextJob();
    expect(first.id).toBe(high);
    expect(first.queue).toBe("sub-high");
    await presque.client.queue.ack({ queue: first.queue, id: first.id, leaseToken: first.leaseToken });
    expect(await stream.nextJob()).toMatchObject({ queue: "sub-low", id: low });
    stream.cancel();
  });

  it("gives unacked jobs back at once when the client cancels, with the attempt undone", async () => {
    const queue = "sub-cancel";
    const id = await enqueue(queue, "x");
    const first = subscribe({ queues: [queue], leaseSeconds: 600 });
    expect(await first.nextJob()).toMatchObject({ id, attempt: 1 });
    first.cancel();
    // The lease is ten minutes long: only a release can hand the job out this soon.
    const second = subscribe({ queues: [queue], leaseSeconds: 600 });
    expect(await second.nextJob()).toMatchObject({ id, attempt: 1 });
    second.cancel();
  });

  it("a job released as many times as it has attempts goes to dead letters, not round again", async () => {
    const queue = "sub-poison";
    const { id } = await presque.client.queue.enqueue({
      queue,
      payload: json("crash"),
      options: { maxAttempts: 1 },
    });
    const stream = subscribe({ queues: [queue], leaseSeconds: 600 });
    expect(await stream.nextJob()).toMatchObject({ id, attempt: 1 });
    stream.cancel();
    // the release is asynchronous to the cancel: watch the job until it has left its lease
    let job = (await presque.client.queue.getJob({ queue, id })).job;
    while (job?.leaseToken) job = (await presque.client.queue.getJob({ queue, id })).job;
    expect(job?.deadReason).toBe("released 1 times: its consumers went away without acking");
  });

  it("gives a killed subscriber's job back as soon as its connection drops", async () => {
    const queue = "sub-killed";
    const id = await enqueue(queue, "x");
    const sdk = new URL("../src/sdk/client.ts", import.meta.url).pathname;
    const script = `
      import { createPresqueClient } from ${JSON.stringify(sdk)};
      const client = createPresqueClient({ baseUrl: process.argv[1] });
      for await (const r of client.consumer.subscribe({ queues: [${JSON.stringify(queue)}], leaseSeconds: 600 }))
        if (r.event.case === "job") console.log("working on", r.event.value.id);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, presque.url], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [line] = await once(createInterface({ input: child.stdout }), "line");
    expect(line).toBe(`working on ${id}`);
    child.kill("SIGKILL");
    const next = subscribe({ queues: [queue], leaseSeconds: 600 });
    expect((await next.nextJob()).id).toBe(id);
    next.cancel();
  });

  it("returns credit for an ack made through another presque process at the next heartbeat", async () => {
    const other = await startTestServer({ prefix: presque.server.prefix });
    const otherClient = createPresqueClient({ baseUrl: other.baseUrl });
    try {
      const queue = "sub-elsewhere";
      await enqueue(queue, 1);
      const second = await enqueue(queue, 2);
      const stream = subscribe({ queues: [queue], heartbeatSeconds: 1 });
      const first = await stream.nextJob();
      await otherClient.queue.ack({ queue, id: first.id, leaseToken: first.leaseToken });
      expect((await stream.next()).case).toBe("heartbeat");
      expect((await stream.nextJob()).id).toBe(second);
      stream.cancel();
    } finally {
      otherClient.close();
      await other.stop();
    }
  });

  it("ends with UNAVAILABLE at server shutdown and leaves the lease valid", async () => {
    const doomed = await startTestServer({ prefix: presque.server.prefix });
    const doomedClient = createPresqueClient({ baseUrl: doomed.baseUrl });
    const queue = "sub-shutdown";
    const id = await enqueue(queue, "x");
    const stream = subscribe({ queues: [queue] }, doomedClient);
    const job = await stream.nextJob();
    const ended = stream.next().catch((error: unknown) => error);
    await doomed.stop();
    expect(ConnectError.from(await ended).code).toBe(Code.Unavailable);
    doomedClient.close();
    // Not released: the worker can still finish the job and ack it through another process.
    await presque.client.queue.ack({ queue, id, leaseToken: job.leaseToken });
  });

  it("refuses a subscription without queues, naming the problem", async () => {
    const stream = subscribe({ queues: [] });
    const error = ConnectError.from(await stream.next().catch((e: unknown) => e));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toContain("queue");
  });

  it("works over gRPC on HTTP/2 as well", async () => {
    const grpc = createPresqueClient({ baseUrl: presque.url, protocol: "grpc" });
    try {
      const stream = subscribe({ queues: ["sub-grpc"] }, grpc);
      expect((await stream.next()).case).toBe("subscribed");
      const id = await enqueue("sub-grpc", { over: "h2" });
      expect((await stream.nextJob()).id).toBe(id);
      stream.cancel();
    } finally {
      grpc.close();
    }
  });
});

describe("AckBatch", () => {
  it("acks many jobs in one call and reports each one it could not ack", async () => {
    const queue = "ack-batch";
    await presque.client.queue.enqueueBatch({ queue, payloads: [json(1), json(2), json(3)] });
    const { jobs } = await presque.client.queue.fetch({ queue, maxJobs: 3, leaseSeconds: 60 });
    const items = jobs.map((job) => ({ queue, id: job.id, leaseToken: job.leaseToken }));
    const stale = { ...(items[2] as (typeof items)[number]), leaseToken: "999999" };
    const { results } = await presque.client.consumer.ackBatch({
      items: [items[0], items[1], stale] as typeof items,
    });
    expect(results).toEqual([AckResult.ACKED, AckResult.ACKED, AckResult.STALE_LEASE]);
    const again = await presque.client.consumer.ackBatch({ items: [items[0]] as typeof items });
    expect(again.results).toEqual([AckResult.NOT_FOUND]);
  });
});
