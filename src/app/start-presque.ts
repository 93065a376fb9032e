import { Code, ConnectError } from "@connectrpc/connect";
import type { Access } from "../auth/access.ts";
import type { PresqueConfig } from "../config/config.ts";
import { openEngine } from "../engine/open-engine.ts";
import {
  createRedisClient,
  describeRedisTarget,
  firstPing,
  type ManagedRedisEndpoint,
  type RedisConnection,
} from "../engine/store/redis-connection.ts";
import { redisRisks } from "../engine/store/redis-risks.ts";
import { logSeverity, warnText } from "../errors/log-severity.ts";
import type { Logger } from "../log.ts";
import { createMonitoring } from "../metrics/monitoring.ts";
import { startManagedRedis } from "../redis/managed-redis.ts";
import { buildHandler } from "../server/build-handler.ts";
import { createOnePortServer } from "../server/one-port.ts";
import { readTlsCredentials } from "../server/tls-options.ts";
import { isLoopbackHost } from "./loopback.ts";
import { openSecurity } from "./open-security.ts";

export interface RunningPresque {
  /** The port actually listened on (useful with port 0). */
  port: number;
  /** Where jobs live, for the start-up line. */
  redisDescription: string;
  /** The REST route table (method, pattern, query parameters), for tests and documents made from it. */
  routes: readonly { method: string; path: string; query: readonly string[]; access: Access }[];
  /** Every RPC path served (`/presque.v1.QueueService/Enqueue`), for tests generated from it. */
  procedures: readonly string[];
  /**
   * SIGHUP: takes the API keys of a freshly loaded config and reads the TLS files again; on an
   * error the old ones stay.
   */
  reload(config: PresqueConfig): Promise<void>;
  /** Reads tls.cert, tls.key and tls.client_ca again: new connections use them, open ones keep theirs. */
  reloadTls(): Promise<void>;
  /** Graceful stop: no new connections, requests in flight finish, then Redis is closed. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /**
   * Run the reaper, schedule ticker and depth sampler here (default true). `presque serve
   * --workers N` runs them in worker 1 only.
   */
  background?: boolean;
  /** A managed redis-server another process started (the cluster's primary): used, never stopped. */
  sharedRedis?: { connection: ManagedRedisEndpoint; describe: string };
}

/** Starts presque as configured: Redis (configured or managed), engine, server on one port. */
export async function startPresque(
  config: PresqueConfig,
  log: Logger,
  options: StartOptions = {},
): Promise<RunningPresque> {
  // First: a presque that would listen unprotected stops before it starts anything.
  const security = openSecurity(config, log);
  const tlsCredentials = await readTlsCredentials(config.tls);
  const managed = config.redis
    ? undefined
    : options.sharedRedis
      ? { ...options.sharedRedis, stop: async () => {} }
      : await startManagedRedis({
          dataDir: config.dataDir,
          log: (msg) => log.info(msg, { component: "redis" }),
          // Reachable from the network: the managed Redis gets a password too.
          requirePassword: !isLoopbackHost(config.host),
        });
  let redis: RedisConnection | undefined;
  try {
    const redisDescription = managed ? managed.describe : describeRedisTarget(config.redis ?? {});
    redis = createRedisClient(config.redis ?? managed?.connection ?? {}, {
      commandTimeoutMs: config.redisCommandTimeoutMs,
    });
    redis.on("error", (error: Error) => log.warn("redis connection error", { error: error.message }));
    await firstPing(redis, redisDescription);
    for (const risk of await redisRisks(redis)) {
      if (config.strict) throw new Error(`refusing to start (--strict): ${risk}`);
      log.warn(risk, { component: "redis" });
    }
    const opened = await openEngine({
      redis,
      config,
      background: options.background,
      // Redis away is an outage to watch (warn, the reason only), anything else a bug with its stack.
      onError: (error, what) =>
        logSeverity(error) === "error"
          ? log.error(`${what} failed`, { error })
          : log.warn(`${what} failed`, { error: warnText(error) }),
    });
    const shutdown = new AbortController();
    const built = buildHandler({
      opened,
      limits: config.limits,
      log,
      logRequests: config.logRequests,
      shutdownSignal: shutdown.signal,
      monitoring: createMonitoring(opened),
      gate: security.gate,
      origins: security.origins,
      metricsOpen: config.auth.metricsOpen,
    });
    const server = createOnePortServer(built.handle, config.limits, tlsCredentials);
    const port = await server.listen(config.port, config.host).catch(async (error: unknown) => {
      // e.g. EADDRINUSE: stop the timers already running before reporting it
      await opened.close();
      throw error;
    });
    const client = redis;
    return {
      port,
      redisDescription,
      routes: built.routes.map(({ method, path, query, access }) => ({
        method,
        path,
        query: query ?? [],
        access,
      })),
      procedures: built.procedures,
      async reload(next) {
        // Read first: a bad certificate file then changes nothing at all.
        const freshTls = await readTlsCredentials(config.tls);
        security.reloadKeys(next);
        if (freshTls) server.setTls(freshTls);
      },
      async reloadTls() {
        const freshTls = await readTlsCredentials(config.tls);
        if (freshTls) server.setTls(freshTls);
      },
      async stop() {
        shutdown.abort(new ConnectError("server is shutting down", Code.Unavailable));
        await server.close(config.shutdownGraceMs);
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
