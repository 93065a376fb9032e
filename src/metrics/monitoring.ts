import { createJobBrowser, type JobBrowser } from "../engine/job-browser.ts";
import type { OpenEngine } from "../engine/open-engine.ts";
import { createStatsReader, type StatsReader } from "../engine/queue-stats.ts";
import { createReadiness, type Readiness } from "../health/readiness.ts";
import { createPresqueMetrics, type PresqueMetrics } from "./presque-metrics.ts";

/** What the operator-facing edges (dashboard, /metrics, health, StatsService) are built from. */
export interface Monitoring {
  metrics: PresqueMetrics;
  stats: StatsReader;
  jobs: JobBrowser;
  readiness: Readiness;
}

export function createMonitoring({
  engine,
  redis,
  keys,
}: Pick<OpenEngine, "engine" | "redis" | "keys">): Monitoring {
  const stats = createStatsReader({ engine, redis, keys });
  return {
    stats,
    metrics: createPresqueMetrics({ stats, redis }),
    jobs: createJobBrowser({ engine, redis, keys }),
    readiness: createReadiness(redis),
  };
}
