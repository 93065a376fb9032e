import { registerDashboardAssets } from "../dashboard/dashboard-assets.ts";
import type { Monitoring } from "../metrics/monitoring.ts";
import { registerHealthRoutes } from "./health-routes.ts";
import { registerHistoryRoutes } from "./history-routes.ts";
import { registerJobBrowserRoutes } from "./job-browser-routes.ts";
import { registerMetricsRoute } from "./metrics-route.ts";
import type { RestRouter } from "./router.ts";

/** The routes for operators: dashboard files, job browsing, history, /metrics, /healthz, /readyz. */
export function registerOperatorRoutes(router: RestRouter, monitoring: Monitoring): void {
  registerJobBrowserRoutes(router, monitoring);
  registerHistoryRoutes(router, monitoring);
  registerMetricsRoute(router, monitoring);
  registerHealthRoutes(router, monitoring);
  registerDashboardAssets(router);
}
