import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { silentLogger } from "../../src/log.ts";
import { createPresqueClient } from "../../src/sdk/client.ts";
import { Worker } from "../../src/sdk/worker.ts";
import { latenessOf, within } from "../measure.ts";
import type { ServedScenario } from "./served-context.ts";
import { servedPlan } from "./served-plan.ts";

const queue = "bench-latency";
const warmupJobs = 50;

/**
 * Target 5: an idle Worker subscribed to a queue (concurrency 10, Subscribe stream) and a producer
 * (the SDK's default client) sending one job every `latencyEveryMs`, not waiting for the previous
 * one; latency = when work() got the job − when `client.enqueue` was called, on one clock.
 */
export const enqueueToWorkLatency: ServedScenario = async (context, figures) => {
  const client = createPresqueClient({ baseUrl: context.presque.url });
  const sentAt: number[] = [];
  const samples: number[] = [];
  let warm = 0;
  let onJob: () => void = () => {};
  /** Resolves once `done()` holds, checked after every job. */
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      onJob = () => done() && resolve();
      onJob();
    });
  const worker = new Worker<{ n: number }>({
    url: context.presque.url,
    queues: [queue],
    concurrency: 10,
    transport: "stream",
    handleSignals: false,
    log: silentLogger,
    work: (job) => {
      const now = performance.now();
      if (job.payload.n < 0) warm++;
      else samples.push(now - (sentAt[job.payload.n] ?? Number.NaN));
      onJob();
    },
  });
  const running = worker.run();
  try {
    // Warm-up: the stream is open and JIT-warm once these jobs came back.
    const warmed = until(() => warm === warmupJobs);
    for (let i = 0; i < warmupJobs; i++) await client.enqueue(queue, { n: -1 - i });
    await within(30_000, "latency warm-up", warmed);
    const received = until(() => samples.length === servedPlan.latencyJobs);
    const start = performance.now();
    const sends: Promise<unknown>[] = [];
    for (let n = 0; n < servedPlan.latencyJobs; n++) {
      const due = start + n * servedPlan.latencyEveryMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      sentAt[n] = performance.now();
      sends.push(client.enqueue(queue, { n }));
    }
    await Promise.all(sends);
    await within(30_000, "latency jobs", received);
    const { medianMs, p99Ms } = latenessOf(samples);
    figures.latency = { p50Ms: medianMs, p99Ms };
  } finally {
    await worker.stop();
    await running;
    await client.control.purgeQueue({ queue });
    client.close();
  }
};
