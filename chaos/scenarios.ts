import type { ConsumerOptions } from "./consumers.ts";
import type { FaultStep } from "./faults.ts";
import type { ProducerOptions } from "./producers.ts";
import type { Fsync } from "./redis-process.ts";

export interface Scenario {
  name: string;
  fsync: Fsync;
  /** How long the producers run. */
  loadMs: number;
  faults: FaultStep[];
}

/** Short leases, so that leases of killed or frozen consumers run out within a run. */
export const leaseSeconds = 2;

type ProducerRole = Pick<ProducerOptions, "name" | "mode" | "intervalMs" | "batchSize">;
type ConsumerRole = Pick<ConsumerOptions, "name" | "mode" | "concurrency">;

/** N producers, one of each kind: about 60 + 100 + 50 jobs/s when nothing fails. */
export const producerRoles: ProducerRole[] = [
  { name: "rest", mode: "rest", intervalMs: 15, batchSize: 1 },
  { name: "batch", mode: "batch", intervalMs: 100, batchSize: 10 },
  { name: "sdk", mode: "sdk", intervalMs: 20, batchSize: 1 },
];

/** M consumers: two SDK Workers (Subscribe stream) and one REST lease/ack loop. */
export const consumerRoles: ConsumerRole[] = [
  { name: "worker-a", mode: "worker", concurrency: 4 },
  { name: "worker-b", mode: "worker", concurrency: 4 },
  { name: "rest-a", mode: "rest", concurrency: 2 },
];

const fault = (target: string, kind: FaultStep["kind"], atMs: number, downMs: number): FaultStep => ({
  target,
  kind,
  atMs,
  downMs,
});

/** `npm run chaos`: one run per fault of issue 9, a few minutes in all. */
export const scenarios: Scenario[] = [
  {
    name: "kill-presque",
    fsync: "always",
    loadMs: 12_000,
    faults: [fault("presque", "kill", 3000, 1000), fault("presque", "kill", 8000, 500)],
  },
  {
    name: "kill-consumer",
    fsync: "always",
    loadMs: 10_000,
    faults: [fault("worker-a", "kill", 3000, 1000), fault("rest-a", "kill", 6000, 1000)],
  },
  {
    name: "stop-consumer",
    fsync: "always",
    loadMs: 10_000,
    faults: [fault("worker-a", "stop", 3000, 5000)],
  },
  {
    name: "kill-redis-always",
    fsync: "always",
    loadMs: 10_000,
    faults: [fault("redis", "kill", 4000, 1000)],
  },
  {
    name: "kill-redis-everysec",
    fsync: "everysec",
    loadMs: 10_000,
    faults: [fault("redis", "kill", 4000, 1000)],
  },
  { name: "stop-redis", fsync: "everysec", loadMs: 16_000, faults: [fault("redis", "stop", 3000, 10_000)] },
];

/** The variant inside `npm test`: one consumer killed under a few seconds of load. */
export const shortScenario: Scenario = {
  name: "short-kill-consumer",
  fsync: "always",
  loadMs: 6000,
  faults: [fault("worker-a", "kill", 2000, 500)],
};
