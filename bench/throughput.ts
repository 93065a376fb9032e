import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { startPresque } from "../src/app/start-presque.ts";
import { defaultConfig } from "../src/config/config.ts";
import { silentLogger } from "../src/log.ts";
import { startThrowawayRedis } from "../test/support/throwaway-redis.ts";
import { runComparisons } from "./comparisons.ts";
import { formatTable } from "./report.ts";

/*
 * `npm run bench`: presque through its network API (REST and Connect over loopback) against BullMQ
 * in-process, both in this one Node process, both on one throwaway redis-server without
 * persistence. Not part of `npm test`.
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

try {
  const rows = await runComparisons({ presqueUrl, bullmq: { host: "127.0.0.1", port: redis.port } });
  console.log(`\n${formatTable(rows)}\n`);
  console.log(`total run time ${((performance.now() - runStart) / 1000).toFixed(0)} s`);
} finally {
  await stopAll();
}
