import type { Redis } from "ioredis";
import type { QueueSettings } from "../model/queue-settings.ts";
import { createDeadStore, type DeadStore } from "./dead-store.ts";
import { createJobStore, type JobStore } from "./job-store.ts";
import { createKeySpace } from "./keys.ts";
import { checkLayoutVersion } from "./layout-version.ts";
import { createMinuteStore, type MinuteStore } from "./minute-store.ts";
import { createQueueRegistry, type QueueRegistry } from "./queue-registry.ts";
import { createQueueStore, type QueueStore } from "./queue-store.ts";
import { redisNowMs } from "./redis-clock.ts";
import { createSubscriberClient } from "./redis-connection.ts";
import { createRedisHealth, type RedisHealth } from "./redis-health.ts";
import { createScheduleStore, type ScheduleStore } from "./schedule-store.ts";
import { loadScripts, type ScriptName } from "./script-loader.ts";
import { createScriptRunner } from "./script-runner.ts";
import { createWakeHub, type WakeHub } from "./wake-hub.ts";
import { createWorkerStore, type WorkerStore } from "./worker-store.ts";

/**
 * Everything presque keeps in Redis, behind typed methods: the only room that talks to Redis.
 * Each part wraps its Lua scripts (arguments in, a parsed reply out) and its plain reads.
 */
export interface Store {
  jobs: JobStore;
  queues: QueueStore;
  /** The set of queue names. */
  registry: QueueRegistry;
  dead: DeadStore;
  schedules: ScheduleStore;
  workers: WorkerStore;
  minutes: MinuteStore;
  /** Wake-ups for long polls and streams (pub/sub on a connection of its own). */
  wake: WakeHub;
  /** PING and the script cache, for readiness and metrics. */
  health: RedisHealth;
  /** How many calls of a script this process has sent (group commit makes it fewer than jobs). */
  scriptCalls(name: ScriptName): number;
  /** Milliseconds from the Redis clock, the one the scripts stamp jobs with. */
  nowMs(): Promise<number>;
  /** Ends the wake subscription; the command connection is the caller's. */
  close(): Promise<void>;
}

export async function openStore(options: {
  redis: Redis;
  prefix: string;
  defaults: QueueSettings;
  onError: (error: unknown) => void;
}): Promise<Store> {
  const { redis } = options;
  loadScripts(redis);
  const keys = createKeySpace(options.prefix);
  await checkLayoutVersion(redis, keys, options.prefix);
  const scripts = createScriptRunner(redis, keys, JSON.stringify(options.defaults));
  const subscriber = createSubscriberClient(redis);
  // Without a listener, ioredis prints each reconnect failure as an unhandled error event.
  subscriber.on("error", options.onError);
  const wake = await createWakeHub(subscriber, { wake: keys.wakeChannel, due: keys.dueChannel });
  return {
    jobs: createJobStore(redis, scripts),
    queues: createQueueStore(redis, keys, scripts),
    registry: createQueueRegistry(redis, keys.queues),
    dead: createDeadStore(redis, keys, scripts),
    schedules: createScheduleStore(redis, keys, scripts),
    workers: createWorkerStore(redis, keys, scripts),
    minutes: createMinuteStore(redis, keys),
    wake,
    scriptCalls: scripts.callCount,
    nowMs: () => redisNowMs(redis),
    health: createRedisHealth(redis),
    close: () => wake.close(),
  };
}
