import { timestampMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { JobState } from "../gen/presque/v1/job_pb.ts";
import { silentLogger } from "../src/log.ts";
import { Worker, type WorkerOptions } from "../src/sdk/index.ts";
import { useTestServerAndClient } from "./support/presque-server.ts";
import { redisClockPast } from "./support/redis-clock.ts";

const presque = useTestServerAndClient();

const enqueue = async (queue: string, payloads: unknown[]) =>
  (
    await presque.client.queue.enqueueBatch({
      queue,
      payloadsJson: payloads.map((payload) => JSON.stringify(payload)),
    })
  ).ids;

function testWorker(options: Partial<WorkerOptions> & Pick<WorkerOptions, "queues" | "work">) {
  return new Worker({ url: presque.url, log: silentLogger, handleSignals: false, ...options });
}

/** A promise with its resolve, to hold a job open until the test says so. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const leaseDeadlineOf = async (queue: string, id: string) => {
  const { job } = await presque.client.queue.getJob({ queue, id });
  if (job?.state !== JobState.LEASED || !job.leaseDeadline) throw new Error(`job ${id} is not leased`);
  return Number(timestampMs(job.leaseDeadline));
};

describe("Worker prefetch", () => {
  it("refuses a prefetch below the concurrency", () => {
    expect(() => testWorker({ queues: ["q"], concurrency: 4, prefetch: 3, work() {} })).toThrow(
      /prefetch must be a whole number, at least the concurrency/,
    );
    expect(() => testWorker({ queues: ["q"], concurrency: 4, prefetch: 4.5, work() {} })).toThrow(TypeError);
  });

  it("holds up to prefetch jobs, starts only concurrency, and gives the waiting ones back at stop", async () => {
    const queue = "prefetch-held";
    const ids = await enqueue(queue, [1, 2, 3, 4]);
    const started: string[] = [];
    const running = gate();
    const finish = gate();
    const worker = testWorker({
      queues: [queue],
      concurrency: 1,
      prefetch: 3,
      async work(job) {
        started.push(job.id);
        running.open();
        await finish.promise;
      },
    });
    const run = worker.run();
    await running.promise;
    // All three came in one message, so they are leased to this worker now; the fourth is not.
    const held = (await presque.client.stats.getQueueInfo({ queue })).info;
    expect(held).toMatchObject({ ready: 1n, inFlight: 3n });
    const stopped = worker.stop();
    finish.open();
    await stopped;
    await run;
    expect(started).toEqual([ids[0]]);
    // The running job was acked; the two that waited for a slot are ready again, undelivered.
    const after = (await presque.client.stats.getQueueInfo({ queue })).info;
    expect(after).toMatchObject({ ready: 3n, inFlight: 0n });
    const { jobs } = await presque.client.queue.fetch({ queue, maxJobs: 3, autoAck: true });
    expect(jobs.map((job) => [job.id, job.attempt])).toEqual([
      [ids[1], 1],
      [ids[2], 1],
      [ids[3], 1],
    ]);
  });

  it("keeps the lease of a job waiting for a slot, so it starts once, on its first delivery", async () => {
    const queue = "prefetch-kept";
    const [first, second] = await enqueue(queue, ["long", "next"]);
    if (first === undefined || second === undefined) throw new Error("enqueue gave no ids");
    const starts: { id: string; attempt: number }[] = [];
    const running = gate();
    const finish = gate();
    const secondDone = gate();
    const worker = testWorker({
      queues: [queue],
      concurrency: 1,
      prefetch: 2,
      leaseSeconds: 1,
      async work(job) {
        starts.push({ id: job.id, attempt: job.attempt });
        if (job.id === first) {
          running.open();
          await finish.promise;
        } else secondDone.open();
      },
    });
    const run = worker.run();
    await running.promise;
    // The waiting job's first lease runs out while the first job runs: unless it is extended,
    // the reaper takes it back and it comes again as attempt 2.
    const firstDeadline = await leaseDeadlineOf(queue, second);
    await redisClockPast(firstDeadline + 500);
    expect(await leaseDeadlineOf(queue, second)).toBeGreaterThan(firstDeadline);
    finish.open();
    await secondDone.promise;
    await worker.stop();
    await run;
    expect(starts).toEqual([
      { id: first, attempt: 1 },
      { id: second, attempt: 1 },
    ]);
  });
});
