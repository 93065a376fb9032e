import type { MessageInitShape } from "@bufbuild/protobuf";
import { fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import type { SubscribeRequestSchema, SubscribeResponse } from "../gen/presque/v1/consumer_service_pb.ts";
import type { Job } from "../gen/presque/v1/job_pb.ts";
import { defaultConfig } from "../src/config/config.ts";
import { useTestServerAndClient } from "./support/presque-server.ts";

// A batch limit of 8, so the bounds are small numbers.
const presque = useTestServerAndClient({ limits: { ...defaultConfig.limits, maxBatchSize: 8 } });

const enqueueAll = async (queue: string, payloads: JsonValue[]) =>
  (
    await presque.client.queue.enqueueBatch({
      queue,
      payloadsJson: payloads.map((payload) => JSON.stringify(payload)),
    })
  ).ids;

/** A Subscribe call read one event at a time, `subscribed` already read. */
async function subscribe(request: MessageInitShape<typeof SubscribeRequestSchema>) {
  const cancel = new AbortController();
  const events = presque.client.consumer
    .subscribe(request, { signal: cancel.signal })
    [Symbol.asyncIterator]();
  const next = async (): Promise<SubscribeResponse["event"]> => {
    const result = await events.next();
    if (result.done) throw new Error("stream ended");
    return result.value.event;
  };
  const first = await next();
  if (first.case !== "subscribed") throw new Error(`first event: ${first.case}`);
  return {
    subscribed: first.value,
    /** The next event that carries jobs, heartbeats skipped. */
    async nextJobs(): Promise<{ case: "job" | "jobs"; jobs: Job[] }> {
      for (;;) {
        const event = await next();
        if (event.case === "job") return { case: "job", jobs: [event.value] };
        if (event.case === "jobs") return { case: "jobs", jobs: event.value.jobs };
      }
    },
    cancel: () => cancel.abort(),
  };
}

const ackAll = (jobs: Job[]) =>
  presque.client.consumer.ackBatch({
    items: jobs.map(({ queue, id, leaseToken }) => ({ queue, id, leaseToken })),
  });

describe("Subscribe max_jobs_per_event", () => {
  it("is 1 by default: one `job` event per job, as before", async () => {
    const queue = "batch-default";
    const ids = await enqueueAll(queue, [{ n: 1 }, { n: 2 }]);
    const stream = await subscribe({ queues: [queue], prefetch: 2 });
    const first = await stream.nextJobs();
    const second = await stream.nextJobs();
    expect([first.case, second.case]).toEqual(["job", "job"]);
    expect([...first.jobs, ...second.jobs].map((job) => job.id)).toEqual(ids);
    await ackAll([...first.jobs, ...second.jobs]);
    stream.cancel();
  });

  it("sends the jobs of one refill of credit as one `jobs` event, in fetch order, then each ack's refill", async () => {
    const queue = "batch-refill";
    const ids = await enqueueAll(queue, [1, 2, 3, 4, 5, 6, 7]);
    const stream = await subscribe({ queues: [queue], prefetch: 5, maxJobsPerEvent: 5 });
    const first = await stream.nextJobs();
    expect(first.case).toBe("jobs");
    expect(first.jobs.map((job) => job.id)).toEqual(ids.slice(0, 5));
    for (const job of first.jobs) expect(job.leaseToken).not.toBe("");
    // Three acked: three more may come, and two are left.
    await ackAll(first.jobs.slice(0, 3));
    const refill = await stream.nextJobs();
    expect(refill.case).toBe("jobs");
    expect(refill.jobs.map((job) => job.id)).toEqual(ids.slice(5));
    await ackAll([...first.jobs.slice(3), ...refill.jobs]);
    stream.cancel();
  });

  it("splits a refill larger than max_jobs_per_event over several events, never above the credit", async () => {
    const queue = "batch-split";
    const ids = await enqueueAll(queue, [1, 2, 3, 4, 5, 6]);
    const stream = await subscribe({ queues: [queue], prefetch: 5, maxJobsPerEvent: 2 });
    const sizes: number[] = [];
    const received: Job[] = [];
    while (received.length < 5) {
      const { case: kind, jobs } = await stream.nextJobs();
      expect(kind).toBe("jobs");
      sizes.push(jobs.length);
      received.push(...jobs);
    }
    expect(sizes).toEqual([2, 2, 1]);
    expect(received.map((job) => job.id)).toEqual(ids.slice(0, 5));
    // No credit left: the sixth job waits for an ack.
    const info = await presque.client.stats.getQueueInfo({ queue });
    expect(info.info).toMatchObject({ ready: 1n, inFlight: 5n });
    await ackAll(received.slice(0, 1));
    const last = await stream.nextJobs();
    expect(last.jobs.map((job) => job.id)).toEqual([ids[5]]);
    await ackAll([...received.slice(1), ...last.jobs]);
    stream.cancel();
  });

  it("gives a batch's unacked jobs back at once when the subscriber goes away", async () => {
    const queue = "batch-release";
    const ids = await enqueueAll(queue, [1, 2, 3]);
    const stream = await subscribe({ queues: [queue], prefetch: 3, maxJobsPerEvent: 3 });
    const { jobs } = await stream.nextJobs();
    expect(jobs.map((job) => job.id)).toEqual(ids);
    await ackAll(jobs.slice(0, 1));
    stream.cancel();
    // A new subscriber is woken by the release, and gets the two back undelivered: attempt 1 again.
    const next = await subscribe({ queues: [queue], prefetch: 2, maxJobsPerEvent: 2 });
    const again = await next.nextJobs();
    expect(again.jobs.map((job) => [job.id, job.attempt, job.deliveries])).toEqual([
      [ids[1], 1, 2],
      [ids[2], 1, 2],
    ]);
    await ackAll(again.jobs);
    next.cancel();
  });

  it("takes 0 and 1 as one job per event, and refuses more than the batch limit with invalid_argument", async () => {
    for (const maxJobsPerEvent of [0, 1]) {
      const queue = `batch-${maxJobsPerEvent}`;
      await enqueueAll(queue, [1]);
      const stream = await subscribe({ queues: [queue], prefetch: 2, maxJobsPerEvent });
      const { case: kind, jobs } = await stream.nextJobs();
      expect(kind).toBe("job");
      await ackAll(jobs);
      stream.cancel();
    }
    const refused = subscribe({ queues: ["batch-bounds"], prefetch: 2, maxJobsPerEvent: 9 });
    await expect(refused).rejects.toThrow(ConnectError);
    const error = ConnectError.from(await refused.catch((e: unknown) => e));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toMatch(/max_jobs_per_event must be from 1 to 8/);
    // The refusal took nothing.
    const info = await presque.client.stats.getQueueInfo({ queue: "batch-bounds" });
    expect(info.info).toMatchObject({ inFlight: 0n });
  });
});

describe("payload_json_only", () => {
  const stored = '{"to":"a@b.c","n":12345678901234567890}';

  it("leaves Subscribe's payload unset and payload_json the stored text; without it both are set", async () => {
    const queue = "json-only-subscribe";
    await presque.client.queue.enqueue({ queue, payloadJson: stored });
    await presque.client.queue.enqueue({ queue, payloadJson: stored });
    const plain = await subscribe({ queues: [queue], prefetch: 1 });
    const [withValue] = (await plain.nextJobs()).jobs;
    expect(withValue?.payloadJson).toBe(stored);
    expect(toJson(ValueSchema, withValue?.payload ?? fromJson(ValueSchema, null))).toMatchObject({
      to: "a@b.c",
    });
    plain.cancel();

    const textOnly = await subscribe({
      queues: [queue],
      prefetch: 2,
      payloadJsonOnly: true,
      maxJobsPerEvent: 2,
    });
    const { jobs } = await textOnly.nextJobs();
    expect(jobs).toHaveLength(2);
    for (const job of jobs) {
      expect(job.payloadJson).toBe(stored);
      expect(job.payload).toBeUndefined();
    }
    await ackAll(jobs);
    textOnly.cancel();
  });

  it("leaves Fetch's payload unset; without it both are set", async () => {
    const queue = "json-only-fetch";
    await presque.client.queue.enqueue({ queue, payloadJson: stored });
    await presque.client.queue.enqueue({ queue, payloadJson: stored });
    const [plain] = (await presque.client.queue.fetch({ queue, autoAck: true })).jobs;
    expect(plain?.payloadJson).toBe(stored);
    expect(plain?.payload?.kind.case).toBe("structValue");
    const [textOnly] = (await presque.client.queue.fetch({ queue, autoAck: true, payloadJsonOnly: true }))
      .jobs;
    expect(textOnly?.payloadJson).toBe(stored);
    expect(textOnly?.payload).toBeUndefined();
  });
});
