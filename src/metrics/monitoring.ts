import type { OpenEngine } from "../engine/open-engine.ts";
import type { JobBrowser } from "../engine/views/job-browser.ts";
import type { StatsReader } from "../engine/views/queue-stats.ts";
import { createReadiness, type Readiness } from "../health/readiness.ts";
import { recordAckLatency } from "./ack-latency.ts";
import { createPresqueMetrics, type PresqueMetrics } from "./presque-metrics.ts";

/** What the operator-facing edges (dashboard, /metrics, health, StatsService) are built from. */
export interface Monitoring {
  metrics: PresqueMetrics;
  stats: StatsReader;
  jobs: JobBrowser;
  readiness: Readiness;
}

/** Builds monitoring on an opened engine; its ack-latency histogram observes every ack. */
export function createMonitoring(opened: OpenEngine): Monitoring {
  const metrics = createPresqueMetrics({ stats: opened.stats, health: opened.store.health });
  opened.observeSettlements(recordAckLatency(metrics));
  return {
    stats: opened.stats,
    metrics,
    jobs: opened.jobBrowser,
    readiness: createReadiness(opened.store.health),
  };
}
