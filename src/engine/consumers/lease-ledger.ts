import type { LeaseRef } from "../model/job.ts";

/**
 * The leases one subscription holds, which is its used credit: prefetch minus size is how many
 * more jobs it may be sent. Settling a lease (ack, nack, or finding it gone) returns credit and
 * wakes a subscription waiting for it.
 */
export interface LeaseLedger {
  readonly size: number;
  hold(lease: LeaseRef): void;
  /** Forgets the lease of this job; true when it was held here. */
  settle(queue: string, id: string): boolean;
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
    hold(lease) {
      held.set(leaseKey(lease.queue, lease.id), lease);
    },
    settle(queue, id) {
      const settled = held.delete(leaseKey(queue, id));
      if (settled) onCredit?.();
      return settled;
    },
    list: () => [...held.values()],
    waitForCredit(timeoutMs, signal) {
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
