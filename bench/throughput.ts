import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { startPresque } from "../src/app/start-presque.ts";
import { defaultConfig } from "../src/config/config.ts";
import { silentLogger } from "../src/log.ts";
import { startThrowawayRedis } from "../test/support/throwaway-redis.ts";
import { quick } from "./bench-plan.ts";
import { runComparisons } from "./comparisons.ts";
import { formatTable } from "./report.ts";
import { stopAllListening } from "./served/listening-process.ts";
import { runServed } from "./served/run-served.ts";
import { formatTargets } from "./targets/target-table.ts";

/*
 * `npm run bench`, two parts on one throwaway redis-server without persistence (not part of
 * `npm test`):
 * 1. the comparisons: presque through its network API (REST and Connect over loopback) against
 *    BullMQ in-process, both in this one Node process;
 * 2. the targets of issue #12: presque served by a process of its own, the load from others (wrk,
 *    h2load), beside ceiling servers (bench/ceilings/) started in the same run.
 * BENCH_QUICK=1 runs one round of smaller sizes; BENCH_ONLY=targets skips part 1;
 * BENCH_MILLION=1 measures RSS with 1M waiting jobs; BENCH_SCENARIO=text (with BENCH_ONLY=targets)
 * runs only the part-2 scenarios whose label contains the text.
 */

const runStart = performance.now();
// persistence off for both systems: the comparison is about the queues, not fsync
const redis = await startThrowawayRedis("bench");
const presque = await startPresque(
  { ...defaultConfig, host: "127.0.0.1", port: 0, redis: { url: redis.url }, prefix: "bench-presque" },
  silentLogger,
).catch(async (error: unknown) => {
  await redis.stop();
  throw error;
});
const stopAll = async () => {
  await stopAllListening(); // the servers of part 2, each a process of its own
  await presque.stop();
  await redis.stop();
};
process.once("SIGINT", () => {
  void stopAll().finally(() => process.exit(130));
});

const presqueUrl = `http://127.0.0.1:${presque.port}`;
// Other work on the machine skews every figure; the load average at the start makes that visible.
const [load] = loadavg();
console.log(`presque bench, ${new Date().toISOString()}, load average ${load?.toFixed(2)} at start`);
console.log(
  `${availableParallelism()} CPUs, Node ${process.version}, redis-server ${redis.version} on ${redis.url},` +
    ` persistence off for both systems (--save "" --appendonly no)`,
);
console.log(
  `presque via its network API on ${presqueUrl} (same process); BullMQ in-process;` +
    ` payload {"to":"a@b.c","n":i}\n`,
);

if (quick)
  console.log("BENCH_QUICK=1: one round of smaller sizes, for trying the bench; not figures to keep\n");

try {
  const bullmq = { host: "127.0.0.1", port: redis.port };
  if (process.env.BENCH_ONLY !== "targets") {
    const rows = await runComparisons({ presqueUrl, bullmq });
    console.log(`\n${formatTable(rows)}\n`);
  }
  process.stderr.write("targets of issue #12, presque served by its own process:\n");
  const figures = await runServed(redis.url, bullmq);
  console.log(`\n${formatTargets(figures)}\n`);
  console.log(`total run time ${((performance.now() - runStart) / 1000).toFixed(0)} s`);
} finally {
  await stopAll();
}
