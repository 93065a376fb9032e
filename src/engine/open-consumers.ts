import type { OpenEngine } from "./open-engine.ts";
import { createSubscriberLeases } from "./subscriber-leases.ts";
import { createSubscriptions, type Subscriptions } from "./subscriptions.ts";
import { createWorkerRegistry, type WorkerRegistry } from "./worker-registry.ts";

/** What consumers use beyond the engine: streaming subscriptions and the worker registry. */
export interface Consumers {
  subscriptions: Subscriptions;
  workers: WorkerRegistry;
}

export function openConsumers(opened: OpenEngine, onError: (error: unknown) => void): Consumers {
  const { engine, redis, keys, wakeHub, scripts } = opened;
  return {
    subscriptions: createSubscriptions({
      engine,
      wakeHub,
      leases: createSubscriberLeases({ redis, keys, scripts }),
      onError,
    }),
    workers: createWorkerRegistry({ redis, keys }),
  };
}
