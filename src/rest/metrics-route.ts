import { onEveryQueue, open } from "../auth/access.ts";
import type { Monitoring } from "../metrics/monitoring.ts";
import { type RestRoute, route } from "./router.ts";

/**
 * GET /metrics: Prometheus text format (see docs/monitoring.md for the metric names). It names
 * every queue, so it needs `read:*`, unless auth.metrics_open lets a scraper in without a key.
 */
export function metricsRoutes({ metrics }: Pick<Monitoring, "metrics">, metricsOpen: boolean): RestRoute[] {
  const metricsAccess = metricsOpen ? open : onEveryQueue("read");
  return [
    route("GET", "/metrics", metricsAccess, async ({ res }) => {
      const body = await metrics.scrape();
      res.writeHead(200, {
        "content-type": metrics.contentType,
        "content-length": Buffer.byteLength(body),
        "cache-control": "no-store",
      });
      res.end(body);
    }),
  ];
}
