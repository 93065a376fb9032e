import { quick } from "../bench-plan.ts";

/** BENCH_MILLION=1: the RSS check fills presque with 1M waiting jobs (several minutes). */
const million = process.env.BENCH_MILLION === "1";

/** Sizes of the out-of-process scenarios (presque served by its own process, load from others). */
export const servedPlan = {
  rounds: quick ? 1 : 3,

  /** wrk and h2load measure for this long, after `warmupSeconds` not measured. */
  loadSeconds: quick ? 2 : 5,
  warmupSeconds: 1,
  /** wrk `-t2 -c50`. */
  wrkThreads: 2,
  wrkConnections: 50,
  /** h2load `-c 1 -m 50`. */
  h2Streams: 50,

  /** SDK producer: `await client.enqueue(queue, payload)` from this many concurrent callers. */
  producerCallers: 500,
  producerWarmupJobs: 2_000,
  /** Each contender enqueues for this long. */
  producerMs: quick ? 2_000 : 5_000,

  /** Enqueue → work(): one job every `latencyEveryMs` to an idle subscribed Worker. */
  latencyJobs: quick ? 200 : 1_000,
  latencyEveryMs: 5,

  /** Redis bytes per job: this many jobs of a 105-byte payload in each state. */
  memoryJobs: 10_000,
  memoryPayloadBytes: 105,

  /** RSS of the presque process, empty, then with this many waiting jobs, then drained. */
  rssJobs: million ? 1_000_000 : 100_000,
  rssMillion: million,

  /** `presque serve --workers N` for each N (target 7), when serve has the flag. */
  serverWorkers: [1, 2],

  /** No scenario may run longer than this (the 1M fill gets more). */
  scenarioTimeoutMs: 120_000,
} as const;

/** The body of every single-job POST, as in the in-process comparisons. */
export const restBody = JSON.stringify({ to: "a@b.c", n: 1 });
