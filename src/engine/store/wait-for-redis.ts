import { setTimeout as delay } from "node:timers/promises";
import { Redis, type RedisOptions } from "ioredis";

/**
 * Resolves once a PING on a fresh connection succeeds (so the AOF is loaded), retrying every 50 ms.
 * Rejects after `timeoutMs` with the last connection error, or as soon as `signal` aborts.
 */
export async function waitForRedis(
  connection: RedisOptions,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = "no attempt made";
  while (Date.now() < deadline) {
    options.signal.throwIfAborted();
    const client = new Redis({
      ...connection,
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      connectTimeout: 1000,
      // disconnect() arms a timer of this length that a refused connection never clears; the 2 s
      // default would keep the process alive after a failed start.
      disconnectTimeout: 100,
    });
    // Failures are seen through connect() and ping(); without a listener ioredis prints them.
    client.on("error", () => {});
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (error) {
      lastError = (error as Error).message;
    } finally {
      client.disconnect();
    }
    // Rethrow the signal's own reason (why redis-server exited) rather than a bare AbortError.
    await delay(50, undefined, { signal: options.signal }).catch(() => options.signal.throwIfAborted());
  }
  throw new Error(`no answer to PING within ${options.timeoutMs} ms (last error: ${lastError})`);
}
