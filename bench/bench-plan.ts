/** BENCH_QUICK=1: one round of everything, smaller sizes; for trying the bench, not for figures. */
export const quick = process.env.BENCH_QUICK === "1";

/**
 * Sizes of every scenario, chosen so the whole run takes about a minute on a 2-core machine.
 * Both systems get the same counts, concurrency and payloads.
 */
export const plan = {
  /** Every scenario runs this many rounds, the systems taking turns; the table shows the median. */
  rounds: quick ? 1 : 3,

  /** In-flight single enqueues (HTTP keep-alive clients for presque, pending queue.add for BullMQ). */
  singleConcurrency: 50,
  singleWarmupJobs: 2_000,
  singleJobs: quick ? 4_000 : 10_000,

  /** Jobs per presque batch request (the largest allowed by default). */
  presqueBatchSize: 1_000,
  /** Jobs per BullMQ addBulk, as in taskforcesh/bullmq-bench's queue-add-bulk. */
  bullmqBulkSize: 50,
  /** In-flight batch requests / addBulk calls. */
  batchConcurrency: 4,
  batchWarmupJobs: 5_000,
  batchJobs: quick ? 20_000 : 100_000,

  /** Jobs processed before the stopwatch starts (connections open, JIT warm). */
  drainWarmupJobs: 2_000,
  drainJobs: quick ? 10_000 : 30_000,
  /** BullMQ Worker concurrency, as in bullmq-bench's worker-concurrent scenario (scaled up). */
  bullmqWorkerConcurrency: 100,
  /** Concurrent presque consumers, each fetching up to presqueFetchSize jobs per call. */
  presqueConsumers: 4,
  presqueFetchSize: 500,
  /** GET /qb/?batch_size= of the at-most-once consumers. */
  presqueBatchFetchSize: 1_000,

  /** Per round; lateness percentiles pool the samples of every round. */
  delayedJobs: quick ? 100 : 300,
  delayMinMs: 200,
  delayMaxMs: 1_500,

  /** No scenario may run longer than this; a stuck one fails the run instead of hanging it. */
  scenarioTimeoutMs: 60_000,
} as const;

/** The job of every scenario: small JSON, like an e-mail to send. */
export const payloadOf = (n: number) => ({ to: "a@b.c", n });
