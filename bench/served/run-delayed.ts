import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startThrowawayRedis } from "../../test/support/throwaway-redis.ts";
import { plan } from "../bench-plan.ts";
import { bullmqDelayed } from "../bullmq-scenarios.ts";
import { latenessOf, median } from "../measure.ts";
import { type DelayedJob, type DueMode, presqueDelayedJobs } from "../presque-delayed.ts";
import { traceDelayed } from "./delayed-trace.ts";
import { type ListeningProcess, startListening } from "./listening-process.ts";

/*
 * The delayed-job scenario alone, for working on lateness without the whole bench:
 *   node bench/served/run-delayed.ts
 * a throwaway Redis, presque served by its own process, plan.rounds rounds of presque (run_at)
 * and BullMQ taking turns. BENCH_DUE=delay_seconds adds presque with delay_seconds (due = before
 * the request + the delay) to each round; BENCH_TRACE=1 follows presque's jobs through Redis with
 * MONITOR (slower) and prints where the lateness went;
 * BENCH_TREES=before=/path,after=/path serves presque from each of those trees (checkouts with
 * node_modules), taking turns in every round, so a change is measured before and after at once;
 * BENCH_ROUNDS=n for more rounds than the plan's.
 */

const modes: DueMode[] = process.env.BENCH_DUE === "delay_seconds" ? ["run_at", "delay_seconds"] : ["run_at"];
const trees = (process.env.BENCH_TREES ?? `presque=${fileURLToPath(new URL("../..", import.meta.url))}`)
  .split(",")
  .map((entry) => entry.split("=") as [string, string]);
const rounds = Number(process.env.BENCH_ROUNDS ?? plan.rounds);
const redis = await startThrowawayRedis("bench-delayed");
const servers: [string, ListeningProcess][] = [];
const stopAll = async () => {
  await Promise.all(servers.map(([, server]) => server.stop()));
  await redis.stop();
};
try {
  for (const [name, tree] of trees) {
    const bin = join(tree, "bin", "presque.js");
    const args = [bin, "serve", "--port", "0", "--host", "127.0.0.1"];
    const env = {
      REDIS_URL: redis.url,
      PRESQUE_LOG_REQUESTS: "false",
      PRESQUE_PREFIX: `bench-delayed-${name}`,
    };
    servers.push([name, await startListening(`presque ${name}`, args, env)]);
  }
} catch (error) {
  await stopAll();
  throw error;
}
// one MONITOR per tree, each following its own key prefix
const traces = new Map(
  process.env.BENCH_TRACE === "1"
    ? await Promise.all(
        trees.map(async ([name]) => [name, await traceDelayed(redis.url, `bench-delayed-${name}:`)] as const),
      )
    : [],
);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const ms = (value: number) => `${value.toFixed(1)} ms`;
try {
  console.log(`load average ${load()} at start; ${rounds} rounds`);
  const jobs: Record<string, DelayedJob[]> = {};
  const bullmq: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [name, server] of servers) {
      for (const mode of modes) {
        const label = `${name} ${mode}`;
        jobs[label] = [...(jobs[label] ?? []), ...(await presqueDelayedJobs(server.url, mode))];
      }
    }
    bullmq.push(...(await bullmqDelayed({ host: "127.0.0.1", port: redis.port })));
  }
  const line = (name: string, values: number[]) => {
    const { jobs: count, medianMs, p99Ms } = latenessOf(values);
    console.log(`${name}: ${count} jobs, lateness median ${ms(medianMs)}, p99 ${ms(p99Ms)}`);
  };
  for (const [label, records] of Object.entries(jobs)) {
    line(
      `presque ${label}`,
      records.map((job) => job.receivedAt - job.dueAt),
    );
    line(
      `  its enqueue round trip`,
      records.map((job) => job.answeredAt - job.sentAt),
    );
    // Jobs due while this round's enqueues were still going compete with them for the CPU.
    const lastAnswer = new Map<number, number>();
    let round = 0;
    for (const [i, job] of records.entries()) {
      round = Math.floor(i / plan.delayedJobs);
      lastAnswer.set(round, Math.max(lastAnswer.get(round) ?? 0, job.answeredAt));
    }
    const during = records.filter(
      (job, i) => job.dueAt <= (lastAnswer.get(Math.floor(i / plan.delayedJobs)) ?? 0),
    );
    const after = records.filter((job) => !during.includes(job));
    line(
      "  due during the enqueues",
      during.map((job) => job.receivedAt - job.dueAt),
    );
    line(
      "  due after them",
      after.map((job) => job.receivedAt - job.dueAt),
    );
    const trace = traces.get(label.split(" ")[0] as string);
    if (!trace) continue;
    const traced = trace.steps(records);
    for (const by of ["any", "reaper", "fetch", "?"]) {
      const steps = traced.filter((job) => by === "any" || job.promotedBy === by).map((job) => job.steps);
      if (steps.length === 0) continue;
      console.log(`  ${steps.length} promoted by ${by}:`);
      for (const name of Object.keys(steps[0] ?? {}) as (keyof (typeof steps)[0])[]) {
        const values = steps.map((step) => step[name]).filter(Number.isFinite);
        if (values.length > 0)
          console.log(`    ${name}: median ${ms(median(values))}, p99 ${ms(latenessOf(values).p99Ms)}`);
      }
    }
  }
  for (const [name, trace] of traces) console.log(`${name}: ${trace.passCount()} reaper passes`);
  line("bullmq", bullmq);
  console.log(`load average ${load()} at end`);
} finally {
  for (const trace of traces.values()) await trace.close();
  await stopAll();
}
