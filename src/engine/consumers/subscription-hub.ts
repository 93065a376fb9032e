import type { Engine } from "../engine.ts";
import type { SettleObserver } from "../ops/settlements.ts";
import type { WakeHub } from "../store/wake-hub.ts";
import { type LeaseLedger, leaseKey } from "./lease-ledger.ts";
import type { SubscriberLeases } from "./subscriber-leases.ts";
import { runSubscription, type SubscribeOptions, type SubscriptionEvent } from "./subscription-loop.ts";

/** The live subscriptions of this process. */
export interface Subscriptions {
  /** A subscriber's events until its signal aborts; REST and RPC edges both stream this. */
  subscribe(options: SubscribeOptions): AsyncGenerator<SubscriptionEvent>;
  /**
   * Returns credit to the subscription of this process that was sent the job, on every ack and
   * nack the engine reports. Acks that reach another presque process cannot; that credit comes
   * back at the subscription's next heartbeat, when it sees the lease is gone.
   */
  returnCredit: SettleObserver;
}

export function createSubscriptions(deps: {
  engine: Engine;
  wakeHub: WakeHub;
  leases: SubscriberLeases;
  onError: (error: unknown) => void;
}): Subscriptions {
  /** Which live subscription holds the lease of (queue, id). */
  const holders = new Map<string, LeaseLedger>();
  const holderMap = {
    hold(ledger: LeaseLedger, queue: string, id: string) {
      holders.set(leaseKey(queue, id), ledger);
    },
    forget(ledger: LeaseLedger, queue: string, id: string) {
      const key = leaseKey(queue, id);
      if (holders.get(key) === ledger) holders.delete(key);
    },
  };

  return {
    subscribe: (options) => runSubscription({ ...deps, holders: holderMap }, options),
    returnCredit({ queue, id }) {
      const key = leaseKey(queue, id);
      holders.get(key)?.settle(queue, id);
      holders.delete(key);
    },
  };
}
