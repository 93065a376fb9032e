import { createPresqueClient } from "../../src/sdk/client.ts";
import { payloadOf } from "../bench-plan.ts";
import { bullmqAddSingle } from "../bullmq-scenarios.ts";
import { medianThroughput, runPool, type Throughput, takeTurns, timeFor } from "../measure.ts";
import type { ServedScenario } from "./served-context.ts";
import { servedPlan } from "./served-plan.ts";

const queue = "bench-producer";
const callers = servedPlan.producerCallers;

/**
 * Target 3: `await client.enqueue(queue, payload)` from `producerCallers` concurrent callers (the
 * SDK's default client: Connect over HTTP/1.1) against BullMQ `queue.add` with as many in flight,
 * each for `producerMs` after a warm-up.
 */
export const producerVersusBullmq: ServedScenario = async (context, figures) => {
  const runs = await takeTurns(servedPlan.rounds, {
    presque: () => sdkEnqueue(context.presque.url),
    bullmq: () =>
      bullmqAddSingle(context.bullmq, callers, (add) => timeFor(servedPlan.producerMs, callers, add)),
  });
  figures.producer = { presque: medianThroughput(runs.presque).jobsPerSecond };
  figures.bullmqAdd = medianThroughput(runs.bullmq).jobsPerSecond;
};

async function sdkEnqueue(baseUrl: string): Promise<Throughput> {
  const client = createPresqueClient({ baseUrl });
  const enqueue = (n: number) => client.enqueue(queue, payloadOf(n));
  try {
    await runPool(servedPlan.producerWarmupJobs, callers, enqueue);
    return await timeFor(servedPlan.producerMs, callers, enqueue);
  } finally {
    await client.control.purgeQueue({ queue });
    client.close();
  }
}
