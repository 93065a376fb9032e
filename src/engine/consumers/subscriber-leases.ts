import type { LeaseRef } from "../model/job.ts";
import type { Store } from "../store/store.ts";

/** What Redis says about the leases a subscriber holds: are they still its own, and giving them back. */
export interface SubscriberLeases {
  /** For each lease, whether the job is still leased under its token (false once acked anywhere, or expired). */
  stillHeld(leases: LeaseRef[]): Promise<boolean[]>;
  /** Puts the jobs back as ready, undoing the delivery; resolves with how many were still held. */
  release(leases: LeaseRef[]): Promise<number>;
}

export function createSubscriberLeases(store: Store): SubscriberLeases {
  return {
    async stillHeld(leases) {
      const tokens = await store.jobs.leaseTokens(leases);
      return leases.map((lease, i) => tokens[i] === lease.leaseToken);
    },

    async release(leases) {
      const byQueue = new Map<string, LeaseRef[]>();
      for (const lease of leases) {
        const held = byQueue.get(lease.queue);
        if (held === undefined) byQueue.set(lease.queue, [lease]);
        else held.push(lease); // not a copy per lease: a prefetch of 1000 released at once
      }
      let released = 0;
      for (const [queue, held] of byQueue) released += await store.jobs.release(queue, held);
      return released;
    },
  };
}
