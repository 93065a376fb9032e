import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { BullmqTarget } from "../bullmq-scenarios.ts";
import { ensureLoadTools } from "../load/load-tools.ts";
import type { Figures } from "../targets/figures.ts";
import { delayedLateness } from "./delayed-lateness.ts";
import { redisBytesPerJob } from "./redis-memory.ts";
import { restVersusCeilings } from "./rest-ceilings.ts";
import { rpcVersusCeilings } from "./rpc-ceilings.ts";
import { producerVersusBullmq } from "./sdk-producer.ts";
import { workerVersusBullmq } from "./sdk-worker.ts";
import type { ServedScenario } from "./served-context.ts";
import { servePresque } from "./served-presque.ts";
import { serverRss } from "./server-rss.ts";
import { serverWorkersCurve } from "./server-workers.ts";
import { enqueueToWorkLatency } from "./work-latency.ts";

/** Every out-of-process scenario, in the order they run. */
const scenarios: Record<string, ServedScenario> = {
  "REST POST /q/ (wrk) vs bare node:http, node:http + Redis": restVersusCeilings,
  "Connect Enqueue (h2load) vs no-op connect-es, bare node:http2": rpcVersusCeilings,
  "SDK client.enqueue from many callers vs BullMQ add": producerVersusBullmq,
  "SDK Worker vs BullMQ Worker, concurrency 100": workerVersusBullmq,
  "enqueue → work() latency, idle Worker": enqueueToWorkLatency,
  "delayed-job lateness": delayedLateness,
  "Redis bytes per job, presque vs BullMQ": redisBytesPerJob,
  "presque server RSS": serverRss,
  "presque serve --workers N": serverWorkersCurve,
};

/** BENCH_SCENARIO=text runs only the scenarios whose label contains it (case-insensitive). */
function chosenScenarios(): [string, ServedScenario][] {
  const wanted = process.env.BENCH_SCENARIO?.toLowerCase();
  const all = Object.entries(scenarios);
  if (!wanted) return all;
  const chosen = all.filter(([label]) => label.toLowerCase().includes(wanted));
  if (chosen.length === 0)
    throw new Error(`BENCH_SCENARIO=${wanted} matches none of: ${Object.keys(scenarios).join("; ")}`);
  return chosen;
}

/**
 * presque served by a process of its own (`presque serve`), the load from other processes (wrk,
 * h2load, the SDK in this one), beside ceiling servers of their own: every figure of the targets
 * table. A scenario that fails is noted and the rest still run.
 */
export async function runServed(redisUrl: string, bullmq: BullmqTarget): Promise<Figures> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const figures: Figures = { notes: [] };
  const tools = await ensureLoadTools(say);
  const dir = await mkdtemp(join(tmpdir(), "presque-bench-load-"));
  const presque = await servePresque(redisUrl);
  say(`  presque served by pid ${presque.pid} on ${presque.url}`);
  try {
    for (const [label, scenario] of chosenScenarios()) {
      process.stderr.write(`  ${label} ...`);
      const start = performance.now();
      try {
        await scenario({ redisUrl, bullmq, presque, tools, dir, say }, figures);
        process.stderr.write(` ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
      } catch (error) {
        process.stderr.write(" failed\n");
        say(`    ${(error as Error).stack ?? String(error)}`);
        figures.notes.push(`${label}: failed: ${(error as Error).message.split("\n")[0]}`);
      }
    }
  } finally {
    await presque.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return figures;
}
