import { setTimeout as sleep } from "node:timers/promises";

/**
 * Errors that mean the connection broke, not that presque answered: a keep-alive socket the
 * server closed while the request was on its way (EPIPE, ECONNRESET, Node's "socket hang up",
 * undici's "other side closed"), or a server that is restarting (ECONNREFUSED).
 */
const connectionCodes = new Set(["EPIPE", "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "UND_ERR_SOCKET"]);
const connectionMessages = /socket hang up|other side closed/i;

/** True when `error`, or any error in its cause chain, is a broken connection. */
export function isConnectionError(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let at = error; at instanceof Error && !seen.has(at); at = at.cause) {
    seen.add(at);
    const code = (at as NodeJS.ErrnoException).code;
    if (typeof code === "string" && connectionCodes.has(code)) return true;
    if (connectionMessages.test(at.message)) return true;
  }
  return false;
}

/**
 * Runs `call`, and again (up to `retries` more times, 50 ms apart and doubling) while it fails
 * with a broken connection; any other error is thrown at once. Only for calls that are safe to
 * repeat: ack, nack and extend name a lease token, so a repeat of one that did reach presque is
 * refused as not_found or stale, never applied twice. `onRetry` learns that a retry happened.
 */
export async function withConnectionRetry<T>(
  retries: number,
  call: () => Promise<T>,
  onRetry?: (error: unknown, retry: number) => void,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await call();
    } catch (error) {
      if (retry >= retries || !isConnectionError(error)) throw error;
      onRetry?.(error, retry + 1);
      await sleep(50 * 2 ** retry);
    }
  }
}
