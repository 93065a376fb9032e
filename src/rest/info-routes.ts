import type { QueueInfo } from "../engine/model/job.ts";
import { sendJson } from "./http-io.ts";
import type { RestDeps } from "./rest-deps.ts";
import type { RestRouter } from "./router.ts";

/** REST spelling of a queue's info; also carries presque's original /j/ field names. */
export function queueInfoJson(info: QueueInfo) {
  return {
    queue: info.queue,
    ready: info.ready,
    delayed: info.delayed,
    in_flight: info.inFlight,
    dead: info.dead,
    done: info.done,
    stopped: info.stopped,
    enqueued: info.enqueued,
    processed: info.processed,
    failed: info.failed,
    expired_leases: info.expiredLeases,
    dead_total: info.deadTotal,
    oldest_ready_at: info.oldestReadyAt === undefined ? null : new Date(info.oldestReadyAt).toISOString(),
    queue_name: info.queue,
    job_count: info.ready,
    job_processed: info.processed,
    job_failed: info.failed,
  };
}

/** Read-only views: /j/ (one queue), /status (names and sizes), /stats (everything). */
export function registerInfoRoutes(router: RestRouter, { engine }: RestDeps): void {
  const allInfo = async () =>
    Promise.all((await engine.queues.listQueues()).map((name) => engine.queues.queueInfo(name)));
  router
    .on("GET", /^\/j\/([^/]+)$/, async ({ res, params }) => {
      sendJson(res, 200, queueInfoJson(await engine.queues.queueInfo(params[0] as string)));
    })
    .on("GET", /^\/status\/?$/, async ({ res }) => {
      const queues = await engine.queues.listQueues();
      sendJson(res, 200, { queues, size: queues.length });
    })
    .on("GET", /^\/status\/([^/]+)$/, async ({ res, params }) => {
      const info = await engine.queues.queueInfo(params[0] as string);
      sendJson(res, 200, { queue: info.queue, size: info.ready });
    })
    .on("GET", /^\/stats\/?$/, async ({ res }) => {
      sendJson(res, 200, { queues: (await allInfo()).map(queueInfoJson) });
    });
}
