import type { Redis } from "ioredis";
import type { KeySpace } from "./keys.ts";
import type { QueueScripts } from "./queue-scripts.ts";

/** A job sent to a subscriber under a lease, not yet acked or nacked. */
export interface HeldLease {
  queue: string;
  id: string;
  leaseToken: string;
}

/** What Redis says about the leases a subscriber holds: are they still its own, and giving them back. */
export interface SubscriberLeases {
  /** For each lease, whether the job is still leased under its token (false once acked anywhere, or expired). */
  stillHeld(leases: HeldLease[]): Promise<boolean[]>;
  /** Puts the jobs back as ready, undoing the delivery; resolves with how many were still held. */
  release(leases: HeldLease[]): Promise<number>;
}

export function createSubscriberLeases({
  redis,
  keys,
  scripts,
}: {
  redis: Redis;
  keys: KeySpace;
  scripts: QueueScripts;
}): SubscriberLeases {
  return {
    async stillHeld(leases) {
      if (leases.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const lease of leases) pipeline.hget(keys.job(lease.queue, lease.id), "leaseToken");
      const replies = (await pipeline.exec()) ?? [];
      return leases.map((lease, i) => {
        const [error, token] = replies[i] ?? [];
        if (error) throw error;
        return token === lease.leaseToken;
      });
    },

    async release(leases) {
      const byQueue = new Map<string, HeldLease[]>();
      for (const lease of leases) byQueue.set(lease.queue, [...(byQueue.get(lease.queue) ?? []), lease]);
      let released = 0;
      for (const [queue, held] of byQueue) {
        const pairs = held.flatMap((lease) => [lease.id, lease.leaseToken]);
        released += Number(await scripts.run("releaseJobs", queue, pairs));
      }
      return released;
    },
  };
}
