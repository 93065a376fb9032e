import { readFile } from "node:fs/promises";
import { payloadOf } from "../bench-plan.ts";
import { createKeepAliveClient, expectStatus, type KeepAliveClient } from "../http-client.ts";
import { runPool, within } from "../measure.ts";
import type { ServedScenario } from "./served-context.ts";
import { servedPlan } from "./served-plan.ts";
import { servePresque } from "./served-presque.ts";

const queue = "bench-rss";
const batch = 1_000;

/**
 * Target 6, RSS: a presque process of its own (so earlier scenarios' heap is not in it), its VmRSS
 * at start, then warmed up by 10,000 jobs in and out (the baseline: empty but warm), with `rssJobs` waiting (enqueued by /qb/
 * batches) and after draining them (at-most-once GET /qb/). 1M jobs only with BENCH_MILLION=1.
 */
export const serverRss: ServedScenario = async (context, figures) => {
  const presque = await servePresque(context.redisUrl);
  const http = createKeepAliveClient(presque.url, 2);
  const rss = () => vmRssKb(presque.pid);
  const timeoutMs = servedPlan.rssMillion ? 900_000 : servedPlan.scenarioTimeoutMs;
  try {
    const startKb = await rss();
    await fill(http, 10_000);
    await drain(http, 10_000);
    const emptyKb = await rss();
    const jobs = servedPlan.rssJobs;
    context.say(`    filling ${jobs.toLocaleString("en-US")} jobs ...`);
    await within(timeoutMs, "RSS fill", fill(http, jobs));
    const fullKb = await rss();
    await within(timeoutMs, "RSS drain", drain(http, jobs));
    const drainedKb = await rss();
    figures.rss = { jobs, startKb, emptyKb, fullKb, drainedKb };
  } finally {
    http.close();
    await presque.stop();
  }
};

/** VmRSS of a process, from /proc (Linux). */
async function vmRssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb);
}

async function fill(http: KeepAliveClient, jobs: number): Promise<void> {
  await runPool(Math.ceil(jobs / batch), 2, async (call) => {
    const payloads = Array.from({ length: Math.min(batch, jobs - call * batch) }, (_, i) =>
      payloadOf(call * batch + i),
    );
    expectStatus(await http.send("POST", `/qb/${queue}`, JSON.stringify({ jobs: payloads })), 201);
  });
}

/** Takes every job out for good (no lease), `batch` per request, until the queue is empty. */
async function drain(http: KeepAliveClient, jobs: number): Promise<void> {
  let taken = 0;
  const take = async () => {
    for (let call = 0; call < jobs / batch + 10; call++) {
      const reply = expectStatus(await http.send("GET", `/qb/${queue}?batch_size=${batch}`), 200, 204);
      if (reply.status === 204) return;
      taken += (JSON.parse(reply.body) as unknown[]).length;
    }
  };
  await Promise.all([take(), take()]);
  if (taken !== jobs) throw new Error(`drained ${taken} of ${jobs} jobs`);
}
