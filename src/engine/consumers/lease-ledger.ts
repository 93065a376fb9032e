import type { LeaseRef } from "../model/job.ts";

/**
 * The leases one subscription holds, which is its used credit: prefetch minus size is how many
 * more jobs it may be sent. Settling a lease (ack, nack, or finding it gone) returns credit and
 * wakes a subscription waiting for it. Leases are filed under leaseKey(queue, id), made once per
 * job by the caller and shared with the hub's map of holders.
 */
export interface LeaseLedger {
  readonly size: number;
  hold(key: string, lease: LeaseRef): void;
  /** Forgets the lease filed under this key; true when it was held here. */
  settle(key: string): boolean;
  /** The held leases by key. */
  entries(): IterableIterator<[string, LeaseRef]>;
  list(): LeaseRef[];
  /** Resolves when credit comes back, after timeoutMs, or when the signal aborts. */
  waitForCredit(timeoutMs: number, signal: AbortSignal): Promise<void>;
}

/** (queue, id) as one map key; queue names cannot contain a NUL. */
export const leaseKey = (queue: string, id: string) => `${queue}\0${id}`;

export function createLeaseLedger(): LeaseLedger {
  const held = new Map<string, LeaseRef>();
  let onCredit: (() => void) | undefined;
  return {
    get size() {
      return held.size;
    },
    hold(key, lease) {
      held.set(key, lease);
    },
    settle(key) {
      const settled = held.delete(key);
      if (settled) onCredit?.();
      return settled;
    },
    entries: () => held.entries(),
    list: () => [...held.values()],
    waitForCredit(timeoutMs, signal) {
      // One wait per refill of credit (a batch of acks), not one per job.
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          onCredit = undefined;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener("abort", done, { once: true });
        onCredit = done;
        if (signal.aborted) done();
      });
    },
  };
}
