import { Code, ConnectError } from "@connectrpc/connect";
import type { Redis } from "ioredis";
import type { PresqueConfig } from "../config/config.ts";
import { startDepthSampler } from "../engine/depth-sampler.ts";
import { openConsumers } from "../engine/open-consumers.ts";
import { openEngine } from "../engine/open-engine.ts";
import type { Logger } from "../log.ts";
import { createMonitoring } from "../metrics/monitoring.ts";
import { startManagedRedis } from "../redis/managed-redis.ts";
import { buildHandler } from "../server/build-handler.ts";
import { createOnePortServer } from "../server/one-port.ts";
import { redisRisks } from "./check-redis.ts";
import { createRedisClient } from "./redis-client.ts";

export interface RunningPresque {
  /** The port actually listened on (useful with port 0). */
  port: number;
  /** Where jobs live, for the start-up line. */
  redisDescription: string;
  /** Graceful stop: no new connections, requests in flight finish, then Redis is closed. */
  stop(): Promise<void>;
}

/** Depth charts have one point per minute; several samples a minute keep the last one fresh. */
const depthSampleIntervalMs = 10_000;

/** Starts presque as configured: Redis (configured or managed), engine, server on one port. */
export async function startPresque(config: PresqueConfig, log: Logger): Promise<RunningPresque> {
  const managed = config.redis
    ? undefined
    : await startManagedRedis({
        dataDir: config.dataDir,
        log: (msg) => log.info(msg, { component: "redis" }),
      });
  let redis: Redis | undefined;
  try {
    redis = createRedisClient(config.redis ?? managed?.connection ?? {});
    redis.on("error", (error: Error) => log.warn("redis connection error", { error: error.message }));
    await redis.ping();
    for (const risk of await redisRisks(redis)) {
      if (config.strict) throw new Error(`refusing to start (--strict): ${risk}`);
      log.warn(risk, { component: "redis" });
    }
    const opened = await openEngine({
      redis,
      config,
      onError: (error) => log.error("reaper failed", { error }),
    });
    const depthSampler = startDepthSampler({
      ...opened,
      intervalMs: depthSampleIntervalMs,
      onError: (error) => log.error("depth sampling failed", { error }),
    });
    const shutdown = new AbortController();
    const server = createOnePortServer(
      buildHandler({
        engine: opened.engine,
        limits: config.limits,
        log,
        logRequests: config.logRequests,
        shutdownSignal: shutdown.signal,
        monitoring: createMonitoring(opened),
        consumers: openConsumers(opened, (error) => log.error("subscription failed", { error })),
      }),
    );
    const port = await server.listen(config.port, config.host).catch(async (error: unknown) => {
      // e.g. EADDRINUSE: stop the timers already running before reporting it
      depthSampler.stop();
      await opened.close();
      throw error;
    });
    const client = redis;
    return {
      port,
      redisDescription: managed ? managed.describe : describeTarget(config),
      async stop() {
        shutdown.abort(new ConnectError("server is shutting down", Code.Unavailable));
        await server.close(config.shutdownGraceMs);
        depthSampler.stop();
        await opened.close();
        await client.quit();
        await managed?.stop();
      },
    };
  } catch (error) {
    redis?.disconnect();
    await managed?.stop();
    throw error;
  }
}

function describeTarget(config: PresqueConfig): string {
  const target = config.redis;
  if (target?.url) return target.url.replace(/\/\/[^@]*@/, "//***@");
  return `redis ${target?.host ?? "127.0.0.1"}:${target?.port ?? 6379}`;
}
