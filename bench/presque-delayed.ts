import { performance } from "node:perf_hooks";
import { fromJson, toJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { createPresqueClient } from "../src/sdk/client.ts";
import { payloadOf, plan } from "./bench-plan.ts";
import { runPool, spreadDelays, within } from "./measure.ts";

/**
 * Delayed jobs (`delay_seconds`) received by two long-polling consumers (`Fetch` with
 * `wait_seconds`, leased, acked by `AckBatch`); returns each job's lateness (receive time − due
 * time), in ms.
 */
export async function presqueDelayed(baseUrl: string): Promise<number[]> {
  const queue = "delayed";
  const client = createPresqueClient({ baseUrl, httpVersion: "2" });
  const stop = new AbortController();
  const dueAt = new Map<number, number>();
  const lateness: number[] = [];
  let allReceived: () => void = () => {};
  const received = new Promise<void>((resolve) => {
    allReceived = resolve;
  });
  const consume = async () => {
    while (!stop.signal.aborted && lateness.length < plan.delayedJobs) {
      const { jobs } = await client.queue.fetch(
        { queue, maxJobs: 100, leaseSeconds: 30, waitSeconds: 5 },
        { signal: stop.signal },
      );
      const receivedAt = performance.now();
      for (const job of jobs) {
        const n = (toJson(ValueSchema, job.payload ?? fromJson(ValueSchema, null)) as { n: number }).n;
        lateness.push(receivedAt - (dueAt.get(n) ?? Number.NaN));
      }
      if (lateness.length >= plan.delayedJobs) allReceived();
      if (jobs.length > 0) {
        await client.consumer.ackBatch({
          items: jobs.map((job) => ({ queue, id: job.id, leaseToken: job.leaseToken })),
        });
      }
    }
  };
  const consumers = Promise.all([consume(), consume()]).catch((error: unknown) => {
    if (!stop.signal.aborted) throw error; // a long poll cut short by the end of the scenario
  });
  try {
    const delays = spreadDelays(plan.delayedJobs, plan.delayMinMs, plan.delayMaxMs);
    await runPool(delays.length, plan.singleConcurrency, async (n) => {
      const delay = delays[n] as number;
      // Due from the moment the request leaves: lateness includes the enqueue's own latency.
      dueAt.set(n, performance.now() + delay);
      await client.queue.enqueue({
        queue,
        payload: fromJson(ValueSchema, payloadOf(n)),
        options: { delaySeconds: delay / 1000 },
      });
    });
    await within(plan.scenarioTimeoutMs, "presque delayed jobs", Promise.race([received, consumers]));
    return lateness;
  } finally {
    stop.abort();
    await consumers;
    // The last batch's ack may have been cut short: its leased jobs must not reach the next round.
    await client.control.purgeQueue({ queue });
    client.close();
  }
}
