import type { LeaseRef } from "./ack-batcher.ts";

/** A running job's lease as the keeper tracks it. */
export interface KeptLease {
  readonly ref: LeaseRef;
  /** When the lease ends on the local clock (lease-clock.ts); moved on by each extension. */
  endsAt: number;
  /** Told once when an extension failed: another worker may get the job now. */
  onLost(error: unknown): void;
}

export interface LeaseKeeperOptions {
  leaseMs: number;
  /** Sends one extension (with its own connection retries). */
  extend(ref: LeaseRef): Promise<unknown>;
  /** The clock of lease-clock.ts. */
  now?: () => number;
}

/**
 * Extends the leases of running jobs with one timer for the whole worker, not one per job. Each
 * tick (a sixth of the lease) extends every lease of which a third has gone by, so each one is
 * renewed with between a half and two thirds of it left; a job that waited in the backlog is
 * extended as soon as it starts if it needs to be.
 */
export function createLeaseKeeper({ leaseMs, extend, now = () => performance.now() }: LeaseKeeperOptions) {
  const kept = new Set<KeptLease>();
  const extending = new Set<KeptLease>();
  let timer: NodeJS.Timeout | undefined;

  const extendOne = (lease: KeptLease, sentAt: number) => {
    extending.add(lease);
    extend(lease.ref).then(
      () => {
        extending.delete(lease);
        // The new lease started when presque read the call, after it was sent: never later than this.
        lease.endsAt = sentAt + leaseMs;
      },
      (error: unknown) => {
        extending.delete(lease);
        if (kept.delete(lease)) lease.onLost(error);
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
    /** From when the job starts until it is settled. */
    keep(lease: KeptLease): void {
      kept.add(lease);
      if (timer === undefined) {
        timer = setInterval(tick, leaseMs / 6);
        timer.unref();
      }
      if (lease.endsAt - now() <= (leaseMs * 2) / 3) extendOne(lease, now());
    },
    release(lease: KeptLease): void {
      kept.delete(lease);
    },
    stop(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

export type LeaseKeeper = ReturnType<typeof createLeaseKeeper>;
