import { AckResult } from "../gen/presque/v1/consumer_service_pb.ts";
import { createPresqueClient } from "../src/sdk/client.ts";
import { plan } from "./bench-plan.ts";
import { createKeepAliveClient, expectStatus } from "./http-client.ts";
import { createProgressStopwatch, type Throughput, within } from "./measure.ts";
import { prefill } from "./presque-enqueue.ts";

const drainTotal = plan.drainWarmupJobs + plan.drainJobs;
/** Every consumer loop is bounded: far more calls than a full drain needs means something is wrong. */
const maxCallsPerConsumer = Math.ceil(drainTotal / plan.presqueFetchSize) * 4 + 10;

/**
 * Reliable mode: `presqueConsumers` consumers share one HTTP/2 connection; each leases up to
 * `presqueFetchSize` jobs with `Fetch`, then acks them all with one `AckBatch`.
 */
export async function presqueDrainReliable(baseUrl: string): Promise<Throughput> {
  const queue = "drain-reliable";
  await prefill(baseUrl, queue, drainTotal);
  const client = createPresqueClient({ baseUrl, httpVersion: "2" });
  const stopwatch = createProgressStopwatch(plan.drainWarmupJobs, plan.drainJobs);
  const consume = async () => {
    for (let call = 0; call < maxCallsPerConsumer && stopwatch.done < drainTotal; call++) {
      const { jobs } = await client.queue.fetch({ queue, maxJobs: plan.presqueFetchSize, leaseSeconds: 30 });
      if (jobs.length === 0) return;
      const { results } = await client.consumer.ackBatch({
        items: jobs.map((job) => ({ queue, id: job.id, leaseToken: job.leaseToken })),
      });
      stopwatch.add(results.filter((result) => result === AckResult.ACKED).length);
    }
  };
  try {
    const consumers = Promise.all(Array.from({ length: plan.presqueConsumers }, consume));
    return await within(
      plan.scenarioTimeoutMs,
      "presque reliable drain",
      consumers.then(() => stopwatch.finished),
    );
  } finally {
    client.close();
  }
}

/** At-most-once: `GET /qb/:queue?batch_size=` without a lease, from `presqueConsumers` keep-alive clients. */
export async function presqueDrainAtMostOnce(baseUrl: string): Promise<Throughput> {
  const queue = "drain-at-most-once";
  await prefill(baseUrl, queue, drainTotal);
  const http = createKeepAliveClient(baseUrl, plan.presqueConsumers);
  const stopwatch = createProgressStopwatch(plan.drainWarmupJobs, plan.drainJobs);
  const consume = async () => {
    for (let call = 0; call < maxCallsPerConsumer && stopwatch.done < drainTotal; call++) {
      const reply = expectStatus(
        await http.send("GET", `/qb/${queue}?batch_size=${plan.presqueBatchFetchSize}`),
        200,
        204,
      );
      if (reply.status === 204) return;
      stopwatch.add((JSON.parse(reply.body) as unknown[]).length);
    }
  };
  try {
    const consumers = Promise.all(Array.from({ length: plan.presqueConsumers }, consume));
    return await within(
      plan.scenarioTimeoutMs,
      "presque at-most-once drain",
      consumers.then(() => stopwatch.finished),
    );
  } finally {
    http.close();
  }
}
