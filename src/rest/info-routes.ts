import { onQueue, onSomeQueue } from "../auth/access.ts";
import type { Grant } from "../auth/grant.ts";
import type { QueueInfo } from "../engine/model/job.ts";
import { maxBrowseLimit } from "../engine/views/job-browser.ts";
import type { Monitoring } from "../metrics/monitoring.ts";
import { sendJson, sendText } from "./http-io.ts";
import type { RestDeps } from "./rest-deps.ts";
import { type RestRoute, route } from "./router.ts";

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
export function infoRoutes({
  engine,
  monitoring,
  maxBatchSize,
}: RestDeps & { monitoring: Pick<Monitoring, "jobs"> }): RestRoute[] {
  /** presque 2010's with_desc: the ready jobs' payloads in fetch order, at most maxBatchSize. */
  const readyPayloads = async (queue: string) => {
    const payloads: string[] = [];
    let cursor: string | undefined;
    do {
      const limit = Math.min(maxBatchSize - payloads.length, maxBrowseLimit);
      const page = await monitoring.jobs.list(queue, "ready", { cursor, limit });
      payloads.push(...page.jobs.map((job) => job.payload));
      cursor = page.cursor;
    } while (cursor !== undefined && payloads.length < maxBatchSize);
    return payloads;
  };

  // Only the queues the key may read: the others are not even named.
  const readable = async (grant: Grant) =>
    (await engine.queues.listQueues()).filter((name) => grant.can("read", name));
  const allInfo = async (grant: Grant) =>
    Promise.all((await readable(grant)).map((name) => engine.queues.queueInfo(name)));
  return [
    route("GET", "/j/:queue", onQueue("read"), async ({ res, params }) => {
      sendJson(res, 200, queueInfoJson(await engine.queues.queueInfo(params[0] as string)));
    }),
    route("GET", "/status", onSomeQueue("read"), async ({ res, grant }) => {
      const queues = await readable(grant);
      sendJson(res, 200, { queues, size: queues.length });
    }),
    route(
      "GET",
      "/status/:queue",
      onQueue("read"),
      { query: ["with_desc"] },
      async ({ res, params, query }) => {
        const info = await engine.queues.queueInfo(params[0] as string);
        // Perl truth, as in 2010: absent, "" and "0" are off.
        const withDesc = !["", "0"].includes(query.get("with_desc") ?? "");
        if (!withDesc) return sendJson(res, 200, { queue: info.queue, size: info.ready });
        const jobs = await readyPayloads(info.queue);
        // Payloads are spliced in as stored, as GET /qb/ writes them.
        sendText(
          res,
          200,
          `{"queue":${JSON.stringify(info.queue)},"size":${info.ready},"jobs":[${jobs.join(",")}]}`,
        );
      },
    ),
    route("GET", "/stats", onSomeQueue("read"), async ({ res, grant }) => {
      sendJson(res, 200, { queues: (await allInfo(grant)).map(queueInfoJson) });
    }),
  ];
}
