import type { LeaseRef } from "./ack-batcher.ts";

/** A held job's lease as the keeper tracks it. */
export interface KeptLease {
  readonly ref: LeaseRef;
  /** When the lease ends on the local clock (lease-clock.ts); moved on by each extension. */
  endsAt: number;
}

export interface LeaseKeeperOptions<Lease extends KeptLease> {
  leaseMs: number;
  /** Sends one extension (with its own connection retries). */
  extend(ref: LeaseRef): Promise<unknown>;
  /** Told once per lease whose extension failed (another worker may get the job now); it is no longer kept. */
  onLost(lease: Lease, error: unknown): void;
  /** The clock of lease-clock.ts. */
  now?: () => number;
}

/**
 * Extends the leases of held jobs (running, or received ahead and waiting for a slot) with one
 * timer for the whole worker, not one per job. Each tick (a sixth of the lease) extends every
 * lease of which a third has gone by, so each one is renewed with between a half and two thirds
 * of it left.
 */
export function createLeaseKeeper<Lease extends KeptLease>(options: LeaseKeeperOptions<Lease>) {
  const { leaseMs, extend, onLost, now = () => performance.now() } = options;
  const kept = new Set<Lease>();
  const extending = new Set<Lease>();
  let timer: NodeJS.Timeout | undefined;

  const extendOne = (lease: Lease, sentAt: number) => {
    extending.add(lease);
    extend(lease.ref).then(
      () => {
        extending.delete(lease);
        // The new lease started when presque read the call, after it was sent: never later than this.
        lease.endsAt = sentAt + leaseMs;
      },
      (error: unknown) => {
        extending.delete(lease);
        if (kept.delete(lease)) onLost(lease, error);
      },
    );
  };

  const tick = () => {
    const at = now();
    for (const lease of kept) {
      if (lease.endsAt - at <= (leaseMs * 2) / 3 && !extending.has(lease)) extendOne(lease, at);
    }
  };

  return {
    /** From when the job arrives until it is settled, or given back unstarted. */
    keep(lease: Lease): void {
      kept.add(lease);
      if (timer === undefined) {
        timer = setInterval(tick, leaseMs / 6);
        timer.unref();
      }
      if (lease.endsAt - now() <= (leaseMs * 2) / 3) extendOne(lease, now());
    },
    release(lease: Lease): void {
      kept.delete(lease);
    },
    stop(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

export type LeaseKeeper<Lease extends KeptLease> = ReturnType<typeof createLeaseKeeper<Lease>>;
