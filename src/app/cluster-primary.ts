import type { PresqueConfig } from "../config/config.ts";
import { type Logger, silentLogger } from "../log.ts";
import { startManagedRedis } from "../redis/managed-redis.ts";
import { createWorkerSlot } from "./cluster-slot.ts";
import { isLoopbackHost } from "./loopback.ts";
import { openSecurity } from "./open-security.ts";

export interface RunningCluster {
  /** The port every worker serves on (the one picked, with port 0). */
  port: number;
  /** Where jobs live, for the start-up line. */
  redisDescription: string;
  /** SIGHUP to every serving worker: each reloads its keys and certificates and logs the outcome. */
  reload(): void;
  /** SIGTERM to every worker, SIGKILL past the grace, then the managed redis-server stops. */
  stop(): Promise<void>;
}

/** A worker gets this long to say ready (Redis reachable, scripts loaded, listening). */
const readyTimeoutMs = 30_000;
/** Beyond shutdown_grace_ms, for a worker to close Redis and exit after its requests are done. */
const exitMarginMs = 5_000;

/**
 * The primary of `presque serve --workers N`: starts the managed redis-server (when no Redis is
 * configured) once, then N workers that each run presque on the same port. node:cluster's primary
 * owns the listening socket and hands connections round-robin to the workers (so port 0 is one
 * port for all of them, and a replaced worker takes the same port); the primary serves nothing.
 *
 * Only worker 1 runs the background loops (reaper, schedule ticker, depth sampler): while it is
 * being replaced they pause, for the backoff plus a start-up. Nothing is lost meanwhile: fetches
 * promote due jobs and expired leases themselves, and a missed schedule tick fires at the next pass.
 */
export async function startCluster(config: PresqueConfig, log: Logger): Promise<RunningCluster> {
  // Refuse here, before a redis-server or a worker starts; each worker checks (and warns) again.
  openSecurity(config, silentLogger);
  const managed = config.redis
    ? undefined
    : await startManagedRedis({
        dataDir: config.dataDir,
        log: (msg) => log.info(msg, { component: "redis" }),
        requirePassword: !isLoopbackHost(config.host),
      });
  const sharedRedis = managed && { connection: managed.connection, describe: managed.describe };
  const slots = Array.from({ length: config.workers }, (_, index) =>
    createWorkerSlot({
      start: {
        type: "start",
        worker: index + 1,
        background: index === 0,
        ...(sharedRedis && { sharedRedis }),
      },
      log,
      readyTimeoutMs,
    }),
  );
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await Promise.all(slots.map((slot) => slot.stop(config.shutdownGraceMs + exitMarginMs)));
      await managed?.stop();
    })();
    return stopping;
  };

  const readies = await Promise.all(slots.map((slot) => slot.start())).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const [first] = readies;
  if (first === undefined) throw new Error("workers must be at least 1");
  return {
    port: first.port,
    redisDescription: first.redis,
    reload() {
      for (const slot of slots) slot.signal("SIGHUP");
    },
    stop,
  };
}
