import type { Redis } from "ioredis";
import type { PresqueConfig } from "../config/config.ts";
import { createEngine, type Engine } from "./create-engine.ts";
import { createKeySpace, type KeySpace } from "./keys.ts";
import { createQueueRegistry, type QueueRegistry } from "./queue-registry.ts";
import { createQueueScripts, type QueueScripts } from "./queue-scripts.ts";
import { defaultQueueSettings } from "./queue-settings.ts";
import { startReaper } from "./reaper.ts";
import { startScheduler } from "./scheduler.ts";
import { loadScripts } from "./script-loader.ts";
import { createWakeHub, type WakeHub } from "./wake-hub.ts";

export interface OpenEngine {
  engine: Engine;
  /** The parts the engine is built from, for modules that extend it (subscriptions, workers, stats). */
  redis: Redis;
  keys: KeySpace;
  scripts: QueueScripts;
  registry: QueueRegistry;
  wakeHub: WakeHub;
  /** Runs one reaper pass now (tests; leases live in Redis, so no final pass is ever needed). */
  sweep(): Promise<number>;
  /** Fires the schedules that are due now (tests); resolves with how many jobs were enqueued. */
  fireSchedules(): Promise<number>;
  /** Stops the reaper and the wake subscription; the command connection is the caller's. */
  close(): Promise<void>;
}

export type EngineConfig = Pick<
  PresqueConfig,
  "prefix" | "limits" | "reaperIntervalMs" | "defaultLeaseSeconds" | "idempotencyWindowSeconds"
>;

/**
 * Wires an engine onto a Redis connection: scripts, the wake subscription (a duplicate
 * connection, since a subscribed connection can run nothing else) and the reaper.
 */
export async function openEngine(options: {
  redis: Redis;
  config: EngineConfig;
  onError: (error: unknown) => void;
}): Promise<OpenEngine> {
  const { redis, config } = options;
  loadScripts(redis);
  const keys = createKeySpace(config.prefix);
  const defaults = defaultQueueSettings(config.defaultLeaseSeconds * 1000);
  const scripts = createQueueScripts(redis, keys, defaults);
  const registry = createQueueRegistry(redis, keys.queues);
  const wakeHub = await createWakeHub(redis.duplicate(), keys.wakeChannel);
  const reaper = startReaper({
    scripts,
    redis,
    registry,
    intervalMs: config.reaperIntervalMs,
    onError: options.onError,
  });
  const scheduler = startScheduler({
    redis,
    keys,
    scripts,
    registry,
    maxIdleMs: 1000,
    onError: options.onError,
  });
  const engine = createEngine({
    redis,
    keys,
    scripts,
    registry,
    wakeHub,
    limits: config.limits,
    defaults,
    idempotencyWindowMs: config.idempotencyWindowSeconds * 1000,
  });
  return {
    engine,
    redis,
    keys,
    scripts,
    registry,
    wakeHub,
    sweep: reaper.sweep,
    fireSchedules: scheduler.fireDue,
    async close() {
      reaper.stop();
      scheduler.stop();
      await wakeHub.close();
    },
  };
}
