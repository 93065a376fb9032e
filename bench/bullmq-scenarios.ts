import { Queue, Worker } from "bullmq";
import { payloadOf, plan } from "./bench-plan.ts";
import {
  createProgressStopwatch,
  runPool,
  spreadDelays,
  type Throughput,
  timePool,
  within,
} from "./measure.ts";
import { createWallClock } from "./wall-clock.ts";

/** Where BullMQ connects: the benchmark's redis-server, under its own key prefix. */
export interface BullmqTarget {
  host: string;
  port: number;
}

/** Times a task run many times (timePool, timeFor). */
export type Measure = (task: (index: number) => Promise<unknown>) => Promise<Throughput>;

const prefix = "bench-bullmq";
// Workers block on Redis and need unlimited retries; queues take the same options.
const connectionOf = (target: BullmqTarget) => ({ ...target, maxRetriesPerRequest: null });

function openQueue(target: BullmqTarget, name: string): Queue {
  return new Queue(name, { connection: connectionOf(target), prefix });
}

/**
 * bullmq-bench "queue-add": queue.add one job at a time, `concurrency` calls in flight, timed by
 * `measure` (default: `plan.singleJobs` jobs).
 */
export async function bullmqAddSingle(
  target: BullmqTarget,
  concurrency: number = plan.singleConcurrency,
  measure: Measure = (task) => timePool(plan.singleJobs, concurrency, 1, task),
): Promise<Throughput> {
  const queue = openQueue(target, "add-single");
  const add = (n: number) => queue.add("job", payloadOf(n));
  try {
    await queue.waitUntilReady();
    await runPool(plan.singleWarmupJobs, concurrency, add);
    return await measure(add);
  } finally {
    await queue.obliterate({ force: true }); // the next round starts from an empty queue
    await queue.close();
  }
}

/** bullmq-bench "queue-add-bulk": addBulk of `bullmqBulkSize` jobs, `batchConcurrency` in flight. */
export async function bullmqAddBulk(target: BullmqTarget): Promise<Throughput> {
  const queue = openQueue(target, "add-bulk");
  const size = plan.bullmqBulkSize;
  const bulk = (call: number) =>
    queue.addBulk(
      Array.from({ length: size }, (_, i) => ({ name: "job", data: payloadOf(call * size + i) })),
    );
  try {
    await queue.waitUntilReady();
    await runPool(plan.batchWarmupJobs / size, plan.batchConcurrency, bulk);
    return await timePool(plan.batchJobs / size, plan.batchConcurrency, size, bulk);
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

/**
 * bullmq-bench "worker-concurrent": a Worker with no-op jobs drains a pre-filled queue. Completed
 * jobs are removed, as presque deletes acked ones.
 */
export async function bullmqDrain(target: BullmqTarget): Promise<Throughput> {
  const queue = openQueue(target, "drain");
  const total = plan.drainWarmupJobs + plan.drainJobs;
  const size = 1_000;
  await runPool(Math.ceil(total / size), 2, (call) =>
    queue.addBulk(
      Array.from({ length: Math.min(size, total - call * size) }, (_, i) => ({
        name: "job",
        data: payloadOf(call * size + i),
      })),
    ),
  );
  const stopwatch = createProgressStopwatch(plan.drainWarmupJobs, plan.drainJobs);
  const worker = new Worker("drain", async () => {}, {
    connection: connectionOf(target),
    prefix,
    concurrency: plan.bullmqWorkerConcurrency,
    removeOnComplete: { count: 0 },
  });
  worker.on("completed", () => stopwatch.add(1));
  try {
    return await within(plan.scenarioTimeoutMs, "BullMQ drain", stopwatch.finished);
  } finally {
    await worker.close();
    await queue.close();
  }
}

/**
 * Delayed jobs with delays spread over the plan's range; returns each job's lateness (processing
 * start − due time), in ms. Each job is due at an absolute time, as presque's (run_at): BullMQ's
 * due time is the job's `timestamp` + `delay`, so `timestamp` is set to due − delay.
 */
export async function bullmqDelayed(target: BullmqTarget): Promise<number[]> {
  const queue = openQueue(target, "delayed");
  const clock = createWallClock();
  const dueAt = new Map<number, number>();
  const lateness: number[] = [];
  let allReceived: () => void = () => {};
  const received = new Promise<void>((resolve) => {
    allReceived = resolve;
  });
  const worker = new Worker(
    "delayed",
    async (job) => {
      const n = (job.data as ReturnType<typeof payloadOf>).n;
      lateness.push(clock.now() - (dueAt.get(n) ?? Number.NaN));
      if (lateness.length === plan.delayedJobs) allReceived();
    },
    {
      connection: connectionOf(target),
      prefix,
      concurrency: plan.bullmqWorkerConcurrency,
      removeOnComplete: { count: 0 },
    },
  );
  try {
    await worker.waitUntilReady();
    const delays = spreadDelays(plan.delayedJobs, plan.delayMinMs, plan.delayMaxMs);
    await runPool(delays.length, plan.singleConcurrency, async (n) => {
      const delay = delays[n] as number;
      const due = Math.round(clock.now() + delay);
      dueAt.set(n, due);
      await queue.add("job", payloadOf(n), { delay, timestamp: due - delay });
    });
    await within(plan.scenarioTimeoutMs, "BullMQ delayed jobs", received);
    return lateness;
  } finally {
    await worker.close();
    await queue.close();
  }
}
