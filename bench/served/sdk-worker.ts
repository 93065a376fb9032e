import { silentLogger } from "../../src/log.ts";
import { Worker } from "../../src/sdk/worker.ts";
import { plan } from "../bench-plan.ts";
import { bullmqDrain } from "../bullmq-scenarios.ts";
import { createProgressStopwatch, medianThroughput, type Throughput, takeTurns, within } from "../measure.ts";
import { prefill } from "../presque-enqueue.ts";
import type { ServedScenario } from "./served-context.ts";

const queue = "bench-sdk-worker";

/**
 * Target 4: the SDK Worker (concurrency 100, no-op jobs, Subscribe stream, default client) against
 * BullMQ's Worker (concurrency 100), each draining a pre-filled queue; the sizes of the in-process
 * drain (`plan.drainWarmupJobs` then `plan.drainJobs` timed).
 */
export const workerVersusBullmq: ServedScenario = async (context, figures) => {
  const runs = await takeTurns(plan.rounds, {
    presque: () => sdkWorkerDrain(context.presque.url),
    bullmq: () => bullmqDrain(context.bullmq),
  });
  figures.worker = {
    presque: medianThroughput(runs.presque).jobsPerSecond,
    bullmq: medianThroughput(runs.bullmq).jobsPerSecond,
  };
};

/**
 * Counts a job when work() is called: the Worker has no completion event. At most `concurrency`
 * acks are still in flight when the stopwatch stops (100 of 30,000 jobs), so this flatters presque
 * by well under 1%.
 */
async function sdkWorkerDrain(url: string): Promise<Throughput> {
  const total = plan.drainWarmupJobs + plan.drainJobs;
  await prefill(url, queue, total);
  const stopwatch = createProgressStopwatch(plan.drainWarmupJobs, plan.drainJobs);
  const worker = new Worker({
    url,
    queues: [queue],
    concurrency: plan.bullmqWorkerConcurrency,
    transport: "stream",
    handleSignals: false,
    log: silentLogger,
    work: () => stopwatch.add(1),
  });
  const running = worker.run();
  const stoppedEarly = running.then(() => {
    throw new Error("the SDK Worker stopped before the queue was drained");
  });
  try {
    return await within(
      plan.scenarioTimeoutMs,
      "SDK Worker drain",
      Promise.race([stopwatch.finished, stoppedEarly]),
    );
  } finally {
    await worker.stop();
    stoppedEarly.catch(() => {});
  }
}
