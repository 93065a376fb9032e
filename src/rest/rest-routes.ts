import { registerBatchRoutes } from "./batch-routes.ts";
import { registerControlRoutes } from "./control-routes.ts";
import { registerDeadLetterRoutes } from "./dead-letter-routes.ts";
import type { Request } from "./http-io.ts";
import { registerIndexPage } from "./index-page.ts";
import { registerInfoRoutes } from "./info-routes.ts";
import { registerQueueRoutes } from "./queue-routes.ts";
import type { RestDeps } from "./rest-deps.ts";
import { createRestRouter, type RestRouter } from "./router.ts";
import { registerScheduleRoutes } from "./schedule-routes.ts";

/** Every REST route presque serves (what is served; server/ decides how). */
export function createRestRoutes(
  deps: RestDeps,
  onUnexpected: (error: unknown, req: Request) => void,
  /** Routes built from other deps (dashboard, metrics, health). Registered first: the more
   * specific GET /q/:queue/jobs must win over /q/:queue/:id. */
  extraRoutes: ((router: RestRouter) => void)[] = [],
): RestRouter {
  const router = createRestRouter(onUnexpected);
  for (const register of extraRoutes) register(router);
  for (const register of [
    registerQueueRoutes,
    registerBatchRoutes,
    registerInfoRoutes,
    registerControlRoutes,
    registerDeadLetterRoutes,
    registerScheduleRoutes,
    registerIndexPage,
  ]) {
    register(router, deps);
  }
  return router;
}
