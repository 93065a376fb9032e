import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { startTestServer, type TestServer } from "./presque-server.ts";
import { startThrowawayRedis, type ThrowawayRedis } from "./throwaway-redis.ts";

/**
 * A presque on a redis-server of its own that a test may stop (SIGSTOP) and continue, with a
 * short Redis command deadline (300 ms), for one test file.
 */
export function useStallableRedisServer(name: string): {
  readonly server: TestServer;
  readonly redis: ThrowawayRedis;
  /** redis-server's process id, for SIGSTOP / SIGCONT. */
  readonly pid: number;
} {
  let redis: ThrowawayRedis | undefined;
  let server: TestServer | undefined;
  let pid = 0;
  beforeAll(async () => {
    redis = await startThrowawayRedis(name);
    const probe = new Redis(redis.url);
    pid = Number(/process_id:(\d+)/.exec(await probe.info("server"))?.[1]);
    probe.disconnect();
    server = await startTestServer({ redis: { url: redis.url }, redisCommandTimeoutMs: 300 });
  });
  afterAll(async () => {
    await server?.stop();
    await redis?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("not started yet: use it inside a test");
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get redis() {
      return started(redis);
    },
    get pid() {
      return started(pid || undefined);
    },
  };
}
