import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
import type { BullmqTarget } from "../bullmq-scenarios.ts";
import { runPool } from "../measure.ts";
import type { BytesPerJob, JobState } from "../targets/figures.ts";
import { servedPlan } from "./served-plan.ts";
import { sizedPayload } from "./sized-payload.ts";

const prefix = "bench-bullmq-memory";
const batch = 1_000;

/**
 * BullMQ's side of the bytes per job: `addBulk` of the same payloads, waiting or delayed (an hour
 * out); leased = active, taken one by one with `Worker.getNextJob` (a lock key each, as a running
 * job has). Completed jobs are not counted: presque deletes acked ones.
 */
export async function bullmqBytesPerJob(
  target: BullmqTarget,
  used: () => Promise<number>,
): Promise<BytesPerJob> {
  const result: BytesPerJob = {};
  for (const state of ["waiting", "delayed", "leased"] as const)
    result[state] = await bullmqState(target, state, used);
  return result;
}

async function bullmqState(
  target: BullmqTarget,
  state: JobState,
  used: () => Promise<number>,
): Promise<number> {
  const name = `memory-${state}`;
  const connection = { ...target, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection, prefix });
  const jobs = servedPlan.memoryJobs;
  const opts = state === "delayed" ? { delay: 3_600_000 } : {};
  try {
    await queue.waitUntilReady();
    const before = await used();
    await runPool(jobs / batch, 2, (call) =>
      queue.addBulk(
        Array.from({ length: batch }, (_, i) => ({
          name: "job",
          data: sizedPayload(call * batch + i, servedPlan.memoryPayloadBytes),
          opts,
        })),
      ),
    );
    if (state === "leased") await takeAll(name, connection, jobs);
    return ((await used()) - before) / jobs;
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

/** Moves `jobs` jobs to active, as a Worker does before running each. */
async function takeAll(name: string, connection: object, jobs: number): Promise<void> {
  const worker = new Worker(name, null, { connection, prefix, autorun: false });
  try {
    let taken = 0;
    await runPool(jobs, 50, async () => {
      if (await worker.getNextJob(randomUUID(), { block: false })) taken++;
    });
    if (taken !== jobs) throw new Error(`BullMQ: took ${taken} of ${jobs} jobs to active`);
  } finally {
    await worker.close(true);
  }
}
