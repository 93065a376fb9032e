import { performance } from "node:perf_hooks";
import { plan } from "./bench-plan.ts";
import {
  type BullmqTarget,
  bullmqAddBulk,
  bullmqAddSingle,
  bullmqDelayed,
  bullmqDrain,
} from "./bullmq-scenarios.ts";
import { latenessOf, medianThroughput, takeTurns } from "./measure.ts";
import { presqueDelayed } from "./presque-delayed.ts";
import { presqueDrainAtMostOnce, presqueDrainReliable } from "./presque-drain.ts";
import {
  presqueEnqueueBatchRest,
  presqueEnqueueBatchRpc,
  presqueEnqueueSingleRest,
  presqueEnqueueSingleRpc,
} from "./presque-enqueue.ts";
import { latenessRows, type Row, throughputRow } from "./report.ts";

/** Where each system is reached: presque by its URL, BullMQ by the Redis it runs on. */
export interface Targets {
  presqueUrl: string;
  bullmq: BullmqTarget;
}

/** One scenario of the table: its rounds, then its rows. */
export type Comparison = (targets: Targets) => Promise<Row[]>;

const singleLabel = `enqueue 1 job/request, ${plan.singleConcurrency} in flight`;
const batchLabel = `batch enqueue, ${plan.batchConcurrency} in flight`;
const drainLabel = `drain ${plan.drainJobs.toLocaleString("en-US")} no-op jobs`;
const delayedLabel = `delayed jobs (${plan.delayMinMs}-${plan.delayMaxMs} ms), lateness`;

export const comparisons: Record<string, Comparison> = {
  [singleLabel]: async ({ presqueUrl, bullmq }) => {
    const runs = await takeTurns(plan.rounds, {
      bullmq: () => bullmqAddSingle(bullmq),
      rest: () => presqueEnqueueSingleRest(presqueUrl),
      rpc: () => presqueEnqueueSingleRpc(presqueUrl),
    });
    const bull = medianThroughput(runs.bullmq);
    return [
      throughputRow(`${singleLabel}: REST POST /q/ (HTTP/1.1)`, medianThroughput(runs.rest), bull),
      throughputRow(`${singleLabel}: RPC Enqueue (Connect, h2)`, medianThroughput(runs.rpc), bull),
    ];
  },

  [batchLabel]: async ({ presqueUrl, bullmq }) => {
    const runs = await takeTurns(plan.rounds, {
      bullmq: () => bullmqAddBulk(bullmq),
      rest: () => presqueEnqueueBatchRest(presqueUrl),
      rpc: () => presqueEnqueueBatchRpc(presqueUrl),
    });
    const bull = medianThroughput(runs.bullmq);
    const versus = `x${plan.presqueBatchSize} vs addBulk(${plan.bullmqBulkSize})`;
    return [
      throughputRow(`${batchLabel}: REST POST /qb/ ${versus}`, medianThroughput(runs.rest), bull),
      throughputRow(`${batchLabel}: RPC EnqueueBatch ${versus}`, medianThroughput(runs.rpc), bull),
    ];
  },

  [drainLabel]: async ({ presqueUrl, bullmq }) => {
    const runs = await takeTurns(plan.rounds, {
      bullmq: () => bullmqDrain(bullmq),
      reliable: () => presqueDrainReliable(presqueUrl),
      atMostOnce: () => presqueDrainAtMostOnce(presqueUrl),
    });
    const bull = medianThroughput(runs.bullmq);
    const versus = `${plan.presqueConsumers} consumers vs Worker(${plan.bullmqWorkerConcurrency})`;
    return [
      throughputRow(
        `${drainLabel}: leased Fetch x${plan.presqueFetchSize} + AckBatch, ${versus}`,
        medianThroughput(runs.reliable),
        bull,
      ),
      throughputRow(
        `${drainLabel}: at-most-once GET /qb/ x${plan.presqueBatchFetchSize}, ${versus}`,
        medianThroughput(runs.atMostOnce),
        bull,
      ),
    ];
  },

  [delayedLabel]: async ({ presqueUrl, bullmq }) => {
    const runs = await takeTurns(plan.rounds, {
      bullmq: () => bullmqDelayed(bullmq),
      presque: () => presqueDelayed(presqueUrl),
    });
    const jobs = `${plan.rounds}x${plan.delayedJobs}`;
    return latenessRows(
      `${jobs} ${delayedLabel} (long-poll Fetch vs Worker)`,
      latenessOf(runs.presque.flat()),
      latenessOf(runs.bullmq.flat()),
    );
  },
};

/** Runs every comparison with a progress line on stderr, so a slow one is visible as it runs. */
export async function runComparisons(targets: Targets): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [label, compare] of Object.entries(comparisons)) {
    process.stderr.write(`  ${label}, ${plan.rounds} rounds ...`);
    const start = performance.now();
    rows.push(...(await compare(targets)));
    process.stderr.write(` ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  }
  return rows;
}
