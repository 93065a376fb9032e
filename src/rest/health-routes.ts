import { open } from "../auth/access.ts";
import type { Monitoring } from "../metrics/monitoring.ts";
import { sendJson } from "./http-io.ts";
import { type RestRoute, route } from "./router.ts";

/**
 * GET /healthz: the process is alive and serving HTTP (liveness; never touches Redis, so a Redis
 * outage does not get presque restarted). GET /readyz: Redis answers and has the scripts
 * (readiness; 503 otherwise, so a load balancer stops sending traffic).
 */
export function healthRoutes({ readiness }: Pick<Monitoring, "readiness">): RestRoute[] {
  return [
    route("GET", "/healthz", open, ({ res }) => sendJson(res, 200, { status: "ok" })),
    route("GET", "/readyz", open, async ({ res }) => {
      const report = await readiness();
      sendJson(res, report.ready ? 200 : 503, {
        status: report.ready ? "ready" : "not_ready",
        ...report.checks,
      });
    }),
  ];
}
