import type { Monitoring } from "../metrics/monitoring.ts";
import { type RestRoute, route } from "./router.ts";

/** GET /metrics: Prometheus text format (see docs/monitoring.md for the metric names). */
export function metricsRoutes({ metrics }: Pick<Monitoring, "metrics">): RestRoute[] {
  return [
    route("GET", "/metrics", async ({ res }) => {
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
