/** A lease that ended through an ack or a nack, reported once the change is in Redis. */
export interface Settlement {
  queue: string;
  id: string;
  /** Enqueue→ack time (Redis clock); acks only. */
  ackLatencyMs?: number;
}

export type SettleObserver = (settlement: Settlement) => void;

/**
 * The observers of settled leases, whichever edge (REST, Connect, gRPC, a stream) took the ack or
 * nack: subscriptions get their credit back, metrics time acks. Observers are composed where the
 * engine is opened; the operations only report.
 */
export interface Settlements {
  add(observer: SettleObserver): void;
  report(settlement: Settlement): void;
}

export function createSettlements(): Settlements {
  const observers: SettleObserver[] = [];
  return {
    add: (observer) => observers.push(observer),
    report(settlement) {
      for (const observer of observers) observer(settlement);
    },
  };
}
