import { onQueue } from "../auth/access.ts";
import type { MinutePoint } from "../engine/views/queue-history.ts";
import type { Monitoring } from "../metrics/monitoring.ts";
import { sendJson } from "./http-io.ts";
import { numberParam } from "./query-params.ts";
import { type RestRoute, route } from "./router.ts";

const pointJson = (point: MinutePoint) => ({
  start: new Date(point.startMs).toISOString(),
  enqueued: point.enqueued,
  processed: point.processed,
  failed: point.failed,
  expired_leases: point.expiredLeases,
  ready: point.ready,
  delayed: point.delayed,
  in_flight: point.inFlight,
});

/** GET /stats/:queue/history?minutes=N: per-minute counts and sampled depths, oldest first. */
export function historyRoutes({ stats }: Pick<Monitoring, "stats">): RestRoute[] {
  return [
    route(
      "GET",
      "/stats/:queue/history",
      onQueue("read"),
      { query: ["minutes"] },
      async ({ res, params, query }) => {
        const queue = params[0] as string;
        const points = await stats.history(queue, numberParam(query, "minutes"));
        sendJson(res, 200, { queue, minutes: points.map(pointJson) });
      },
    ),
  ];
}
