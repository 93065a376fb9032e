import { dashboardAssetsRoutes } from "../dashboard/dashboard-assets.ts";
import type { Monitoring } from "../metrics/monitoring.ts";
import { authRoutes } from "./auth-routes.ts";
import { batchRoutes } from "./batch-routes.ts";
import { controlRoutes } from "./control-routes.ts";
import { deadLetterRoutes } from "./dead-letter-routes.ts";
import { healthRoutes } from "./health-routes.ts";
import { historyRoutes } from "./history-routes.ts";
import { indexPageRoutes } from "./index-page.ts";
import { infoRoutes } from "./info-routes.ts";
import { jobBrowserRoutes } from "./job-browser-routes.ts";
import { metricsRoutes } from "./metrics-route.ts";
import { openApiRoutes } from "./openapi.ts";
import { queueRoutes } from "./queue-routes.ts";
import type { RestRoute } from "./router.ts";
import { scheduleRoutes } from "./schedule-routes.ts";
import { type ConsumerRestDeps, streamRoutes } from "./stream-routes.ts";
import { workerRoutes } from "./worker-routes.ts";

/**
 * Every REST route presque serves, in one table (what is served; server/ decides how). Order
 * does not matter: the router matches static segments before parameters.
 */
export function restRoutes(
  deps: ConsumerRestDeps & { monitoring: Monitoring; metricsOpen: boolean; authOn: boolean },
): RestRoute[] {
  const { monitoring } = deps;
  const table: RestRoute[] = [
    ...queueRoutes(deps),
    ...batchRoutes(deps),
    ...streamRoutes(deps),
    ...infoRoutes(deps),
    ...controlRoutes(deps),
    ...deadLetterRoutes(deps),
    ...scheduleRoutes(deps),
    ...workerRoutes(deps),
    ...jobBrowserRoutes(monitoring),
    ...historyRoutes(monitoring),
    ...metricsRoutes(monitoring, deps.metricsOpen),
    ...healthRoutes(monitoring),
    ...authRoutes(deps.authOn),
    ...indexPageRoutes(),
    ...dashboardAssetsRoutes(),
    ...openApiRoutes(() => table, deps.authOn),
  ];
  return table;
}
