import type { SettleObserver } from "../engine/ops/settlements.ts";
import type { PresqueMetrics } from "./presque-metrics.ts";

/**
 * Times every successful ack into the enqueue→ack histogram, whichever edge (REST, Connect,
 * gRPC) took it: the edges stay free of metrics code.
 */
export function recordAckLatency(metrics: Pick<PresqueMetrics, "observeAckLatency">): SettleObserver {
  return ({ queue, ackLatencyMs }) => {
    if (ackLatencyMs !== undefined) metrics.observeAckLatency(queue, ackLatencyMs);
  };
}
