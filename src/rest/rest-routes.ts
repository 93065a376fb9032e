import { registerBatchRoutes } from "./batch-routes.ts";
import { registerControlRoutes } from "./control-routes.ts";
import type { Request } from "./http-io.ts";
import { registerIndexPage } from "./index-page.ts";
import { registerInfoRoutes } from "./info-routes.ts";
import { registerQueueRoutes } from "./queue-routes.ts";
import type { RestDeps } from "./rest-deps.ts";
import { createRestRouter, type RestRouter } from "./router.ts";

/** Every REST route presque serves (what is served; server/ decides how). */
export function createRestRoutes(
  deps: RestDeps,
  onUnexpected: (error: unknown, req: Request) => void,
): RestRouter {
  const router = createRestRouter(onUnexpected);
  for (const register of [
    registerQueueRoutes,
    registerBatchRoutes,
    registerInfoRoutes,
    registerControlRoutes,
    registerIndexPage,
  ]) {
    register(router, deps);
  }
  return router;
}
