import type { PresqueConfig } from "../config/config.ts";
import { startDepthSampler } from "./background/depth-sampler.ts";
import { startReaper } from "./background/reaper.ts";
import { startScheduleTicker } from "./background/schedule-ticker.ts";
import { createSubscriberLeases } from "./consumers/subscriber-leases.ts";
import { createSubscriptions, type Subscriptions } from "./consumers/subscription-hub.ts";
import { createWorkerRegistry, type WorkerRegistry } from "./consumers/worker-registry.ts";
import type { Engine } from "./engine.ts";
import { defaultQueueSettings } from "./model/queue-settings.ts";
import { createValidator } from "./model/validate.ts";
import { createDeadLetters } from "./ops/dead-letters.ts";
import { createJobOps } from "./ops/job-ops.ts";
import { createQueueAdmin } from "./ops/queue-admin.ts";
import { createSchedules } from "./ops/schedules.ts";
import { createSettlements, type SettleObserver } from "./ops/settlements.ts";
import type { RedisConnection } from "./store/redis-connection.ts";
import { openStore, type Store } from "./store/store.ts";
import { createJobBrowser, type JobBrowser } from "./views/job-browser.ts";
import { createStatsReader, type StatsReader } from "./views/queue-stats.ts";

export interface OpenEngine {
  engine: Engine;
  /** Streaming subscriptions (Subscribe, SSE) of this process. */
  subscriptions: Subscriptions;
  workers: WorkerRegistry;
  /** Read-only views for operators. */
  stats: StatsReader;
  jobBrowser: JobBrowser;
  /** Redis behind typed methods, for health and metrics (ping, script cache). */
  store: Store;
  /** Adds an observer of every ack and nack (e.g. ack-latency metrics). */
  observeSettlements(observer: SettleObserver): void;
  /** Runs one reaper pass now (tests; leases live in Redis, so no final pass is ever needed). */
  sweep(): Promise<number>;
  /** Fires the schedules that are due now (tests); resolves with how many jobs were enqueued. */
  fireSchedules(): Promise<number>;
  /** Samples every queue's depth into its minute bucket now (tests; a timer does it too). */
  sampleDepths(): Promise<void>;
  /** Stops the background loops and the wake subscription; the command connection is the caller's. */
  close(): Promise<void>;
}

export type EngineConfig = Pick<
  PresqueConfig,
  "prefix" | "limits" | "reaperIntervalMs" | "defaultLeaseMs" | "idempotencyWindowMs"
>;

/** Depth charts have one point per minute; several samples a minute keep the last one fresh. */
const depthSampleIntervalMs = 10_000;

/**
 * The one place the engine is assembled: the store on the Redis connection, the operations,
 * consumers, views and the background loops (reaper, schedule ticker, depth sampler).
 */
export async function openEngine(options: {
  redis: RedisConnection;
  config: EngineConfig;
  onError: (error: unknown, what: string) => void;
  /**
   * Run the background loops in this process (default true). false: another process on the same
   * Redis runs them (`presque serve --workers N`: worker 1); sweep() and the others still work.
   */
  background?: boolean;
}): Promise<OpenEngine> {
  const { config, onError } = options;
  const defaults = defaultQueueSettings(config.defaultLeaseMs);
  const store = await openStore({
    redis: options.redis,
    prefix: config.prefix,
    defaults,
    onError: (error) => onError(error, "redis wake connection"),
  });
  const deps = {
    store,
    validate: createValidator(config.limits),
    defaults,
    idempotencyWindowMs: config.idempotencyWindowMs,
  };
  const settlements = createSettlements();
  const jobs = createJobOps({ ...deps, settlements });
  const engine: Engine = {
    jobs,
    queues: createQueueAdmin(deps),
    dead: createDeadLetters(deps, jobs),
    schedules: createSchedules(deps),
    validate: deps.validate,
  };
  const subscriptions = createSubscriptions({
    engine,
    wakeHub: store.wake,
    leases: createSubscriberLeases(store),
    onError: (error) => onError(error, "subscription"),
  });
  // Acks through any edge return credit to the subscription that was sent the job.
  settlements.add(subscriptions.returnCredit);

  const reaper = startReaper({
    store,
    intervalMs: config.reaperIntervalMs,
    onError: (error) => onError(error, "reaper"),
  });
  const ticker = startScheduleTicker({
    store,
    maxIdleMs: 1000,
    onError: (error) => onError(error, "schedule ticker"),
  });
  const sampler = startDepthSampler({
    engine,
    store,
    intervalMs: depthSampleIntervalMs,
    onError: (error) => onError(error, "depth sampler"),
  });
  if (options.background === false) {
    // The reaper's and ticker's first passes wait for a timer, so none runs; the sampler has
    // written the current minute once, which another process would have written anyway.
    reaper.stop();
    ticker.stop();
    sampler.stop();
  }
  return {
    engine,
    subscriptions,
    workers: createWorkerRegistry(store),
    stats: createStatsReader({ engine, store }),
    jobBrowser: createJobBrowser({ engine, store }),
    store,
    observeSettlements: settlements.add,
    sweep: reaper.sweep,
    fireSchedules: ticker.fireDue,
    sampleDepths: sampler.sampleNow,
    async close() {
      reaper.stop();
      ticker.stop();
      sampler.stop();
      await store.close();
    },
  };
}

/** What consumer edges use beyond the engine: streaming subscriptions and the worker registry. */
export type Consumers = Pick<OpenEngine, "subscriptions" | "workers">;
