/** A job's state, for the Redis bytes it takes. */
export type JobState = "waiting" | "delayed" | "leased";

/** Redis bytes per job (used_memory delta / jobs), by state; a state not measured is absent. */
export type BytesPerJob = Partial<Record<JobState, number>>;

/**
 * Every figure the targets table (target-table.ts) reads, filled by the out-of-process scenarios.
 * A scenario that was skipped or failed leaves its field undefined and says why in `notes`.
 */
export interface Figures {
  /** Target 1, requests/s from wrk (medians of the rounds). */
  rest?: { presque: number; bareHttp: number; httpPlusRedis: number };
  /** BullMQ `queue.add` jobs/s in-process with the producer's callers in flight (targets 1 and 3). */
  bullmqAdd?: number;
  /** Target 2, requests/s from h2load. */
  rpc?: { presque: number; noopConnect: number; bareHttp2: number };
  /** Target 3, jobs/s: SDK `client.enqueue` from many concurrent callers. */
  producer?: { presque: number };
  /** Target 4, jobs/s: SDK Worker vs BullMQ Worker, both concurrency 100. */
  worker?: { presque: number; bullmq: number };
  /** Target 5: enqueue → work() for an idle subscribed Worker, and delayed-job lateness. */
  latency?: { p50Ms: number; p99Ms: number };
  delayed?: { medianMs: number; p99Ms: number };
  /** Target 6: Redis bytes per job with a 105-byte payload. */
  memory?: { presque: BytesPerJob; bullmq: BytesPerJob };
  /**
   * Target 6: the presque process's VmRSS (kB): just started, empty after a warm-up (the
   * baseline), with `jobs` waiting, and drained.
   */
  rss?: { jobs: number; startKb: number; emptyKb: number; fullKb: number; drainedKb: number };
  /** Target 7: wrk POST /q/ requests/s by `presque serve --workers N`; absent without the flag. */
  serverWorkers?: { workers: number; requestsPerSecond: number }[];
  /** Why a figure is missing ("wrk not installed", an error message). */
  notes: string[];
}
