import { fromJson, toJson } from "@bufbuild/protobuf";
import { timestampFromMs, ValueSchema } from "@bufbuild/protobuf/wkt";
import { createPresqueClient } from "../src/sdk/client.ts";
import { payloadOf, plan } from "./bench-plan.ts";
import { runPool, spreadDelays, within } from "./measure.ts";
import { createWallClock } from "./wall-clock.ts";

/** One delayed job of the scenario; times are wall-clock ms (createWallClock). */
export interface DelayedJob {
  n: number;
  id: string;
  /** Just before its enqueue request was sent. */
  sentAt: number;
  answeredAt: number;
  /** When it was due (see DueMode). */
  dueAt: number;
  /** When the consumer's Fetch answer with it arrived. */
  receivedAt: number;
}

/**
 * How the job is told when to run. "run_at" (the measure): an absolute time, due = that time, so
 * the lateness is the queue's alone. "delay_seconds": relative to when the server runs the
 * enqueue, due = just before the request was sent + the delay, so the lateness includes how long
 * the enqueue took to reach Redis (with 50 enqueues in flight, most of it).
 */
export type DueMode = "run_at" | "delay_seconds";

/**
 * Delayed jobs received by two long-polling consumers (`Fetch` with `wait_seconds`, leased,
 * acked by `AckBatch`); returns each job's record.
 */
export async function presqueDelayedJobs(baseUrl: string, mode: DueMode = "run_at"): Promise<DelayedJob[]> {
  const queue = "delayed";
  const client = createPresqueClient({ baseUrl, httpVersion: "2" });
  const clock = createWallClock();
  const stop = new AbortController();
  const byN: DelayedJob[] = [];
  let receivedCount = 0;
  let allReceived: () => void = () => {};
  const received = new Promise<void>((resolve) => {
    allReceived = resolve;
  });
  // Acks run beside the next long poll, as a worker's would: a consumer waiting on its own ack
  // is not listening for the next due job.
  const acks: Promise<unknown>[] = [];
  const consume = async () => {
    while (!stop.signal.aborted && receivedCount < plan.delayedJobs) {
      const { jobs } = await client.queue.fetch(
        { queue, maxJobs: 100, leaseSeconds: 30, waitSeconds: 5 },
        { signal: stop.signal },
      );
      const receivedAt = clock.now();
      for (const job of jobs) {
        const n = (toJson(ValueSchema, job.payload ?? fromJson(ValueSchema, null)) as { n: number }).n;
        const record = byN[n];
        if (record !== undefined) record.receivedAt = receivedAt;
        receivedCount++;
      }
      if (receivedCount >= plan.delayedJobs) allReceived();
      if (jobs.length > 0) {
        const items = jobs.map((job) => ({ queue, id: job.id, leaseToken: job.leaseToken }));
        const ack = client.consumer.ackBatch({ items });
        ack.catch(() => {}); // reported by Promise.all(acks) at the end
        acks.push(ack);
      }
    }
  };
  const consumers = Promise.all([consume(), consume()])
    .then(() => Promise.all(acks))
    .catch((error: unknown) => {
      if (!stop.signal.aborted) throw error; // a long poll cut short by the end of the scenario
    });
  try {
    const delays = spreadDelays(plan.delayedJobs, plan.delayMinMs, plan.delayMaxMs);
    await runPool(delays.length, plan.singleConcurrency, async (n) => {
      const delay = delays[n] as number;
      const sentAt = clock.now();
      // Whole ms, as BullMQ's due times (and presque's, in Redis) are.
      const dueAt = mode === "run_at" ? Math.round(sentAt + delay) : sentAt + delay;
      const record: DelayedJob = { n, id: "", sentAt, answeredAt: 0, dueAt, receivedAt: Number.NaN };
      byN[n] = record;
      const { id } = await client.queue.enqueue({
        queue,
        payload: fromJson(ValueSchema, payloadOf(n)),
        options: mode === "run_at" ? { runAt: timestampFromMs(dueAt) } : { delaySeconds: delay / 1000 },
      });
      record.id = id;
      record.answeredAt = clock.now();
    });
    await within(plan.scenarioTimeoutMs, "presque delayed jobs", Promise.race([received, consumers]));
    return byN;
  } finally {
    stop.abort();
    await consumers;
    // The last batch's ack may have been cut short: its leased jobs must not reach the next round.
    await client.control.purgeQueue({ queue });
    client.close();
  }
}

/** Each job's lateness (received − due, run_at), in ms. */
export async function presqueDelayed(baseUrl: string): Promise<number[]> {
  return (await presqueDelayedJobs(baseUrl)).map((job) => job.receivedAt - job.dueAt);
}
