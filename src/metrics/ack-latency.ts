import type { Engine } from "../engine/create-engine.ts";
import type { PresqueMetrics } from "./presque-metrics.ts";

/**
 * The engine with every successful ack timed into the enqueue→ack histogram, whichever edge
 * (REST, Connect, gRPC) took it: the edges stay free of metrics code.
 */
export function withAckLatency(engine: Engine, metrics: Pick<PresqueMetrics, "observeAckLatency">): Engine {
  return {
    ...engine,
    async ack(queue, id, leaseToken) {
      const result = await engine.ack(queue, id, leaseToken);
      metrics.observeAckLatency(queue, result.latencyMs);
      return result;
    },
    async ackMany(items) {
      const outcomes = await engine.ackMany(items);
      outcomes.forEach((outcome, i) => {
        if (outcome.status === "acked")
          metrics.observeAckLatency(items[i]?.queue as string, outcome.latencyMs);
      });
      return outcomes;
    },
  };
}
