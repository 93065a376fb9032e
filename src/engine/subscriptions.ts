import type { Engine } from "./create-engine.ts";
import { type LeaseLedger, leaseKey } from "./lease-ledger.ts";
import type { SubscriberLeases } from "./subscriber-leases.ts";
import { runSubscription, type SubscribeOptions, type SubscriptionEvent } from "./subscription.ts";
import type { WakeHub } from "./wake-hub.ts";

export interface Subscriptions {
  /** A subscriber's events until its signal aborts; REST and RPC edges both stream this. */
  subscribe(options: SubscribeOptions): AsyncGenerator<SubscriptionEvent>;
  /**
   * The engine, with ack and nack also returning credit to the subscription of this process that
   * was sent the job. Acks that reach another presque process cannot; that credit comes back at
   * the subscription's next heartbeat, when it sees the lease is gone.
   */
  observe(engine: Engine): Engine;
}

export function createSubscriptions(deps: {
  engine: Engine;
  wakeHub: WakeHub;
  leases: SubscriberLeases;
  onError: (error: unknown) => void;
}): Subscriptions {
  /** Which live subscription holds the lease of (queue, id). */
  const holders = new Map<string, LeaseLedger>();
  const settled = (queue: string, id: string) => {
    const key = leaseKey(queue, id);
    holders.get(key)?.settle(queue, id);
    holders.delete(key);
  };
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
    observe(engine) {
      return {
        ...engine,
        async ack(queue, id, leaseToken) {
          const result = await engine.ack(queue, id, leaseToken);
          settled(queue, id);
          return result;
        },
        async ackMany(items) {
          const outcomes = await engine.ackMany(items);
          items.forEach((item, i) => {
            if (outcomes[i]?.status === "acked") settled(item.queue, item.id);
          });
          return outcomes;
        },
        async nack(queue, id, leaseToken, options) {
          const result = await engine.nack(queue, id, leaseToken, options);
          settled(queue, id);
          return result;
        },
      };
    },
  };
}
