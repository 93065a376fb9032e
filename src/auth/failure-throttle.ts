/**
 * Counts failed key checks per client address. Past `maxFailures` within `windowMs`, requests
 * from that address that carry a key get 429 until the window ends, without the key being
 * checked, so a guesser learns nothing more. The table is bounded: the oldest address is
 * forgotten first.
 */
export interface FailureThrottle {
  /** Milliseconds until the address may try again, or 0. */
  blockedForMs(address: string, now: number): number;
  fail(address: string, now: number): void;
}

const maxAddresses = 10_000;

export function createFailureThrottle(maxFailures: number, windowMs: number): FailureThrottle {
  const failures = new Map<string, { count: number; since: number }>();
  return {
    blockedForMs(address, now) {
      const entry = failures.get(address);
      if (entry === undefined) return 0;
      const left = entry.since + windowMs - now;
      if (left <= 0) {
        failures.delete(address);
        return 0;
      }
      return entry.count >= maxFailures ? left : 0;
    },
    fail(address, now) {
      const entry = failures.get(address);
      if (entry !== undefined && now - entry.since < windowMs) {
        entry.count++;
        return;
      }
      failures.delete(address);
      if (failures.size >= maxAddresses) failures.delete(failures.keys().next().value as string);
      failures.set(address, { count: 1, since: now });
    },
  };
}
