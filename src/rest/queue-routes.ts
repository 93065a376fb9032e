import { onQueue } from "../auth/access.ts";
import { PresqueError } from "../errors/presque-error.ts";
import { enqueueParamNames, enqueueParams } from "./enqueue-params.ts";
import { readBody, sendEmpty, sendError, sendJson, sendText } from "./http-io.ts";
import { jobEnvelopeJson, jobHeaders, jobPath } from "./job-json.ts";
import { leaseTokenOf, secondsParamMs } from "./query-params.ts";
import { parseJsonBody } from "./raw-json.ts";
import { type RestDeps, requestSignal } from "./rest-deps.ts";
import { type RestContext, type RestRoute, route } from "./router.ts";

/** presque's /q/ routes: one job at a time, plus the lease verbs of reliable mode. */
export function queueRoutes(deps: RestDeps): RestRoute[] {
  const { engine } = deps;

  const enqueue =
    (requeue: boolean) =>
    async ({ req, res, params, query }: RestContext) => {
      const queue = engine.validate.queueName(params[0] as string);
      const body = await readBody(req, deps.maxBodyBytes);
      parseJsonBody(body, deps.maxPayloadDepth);
      const options = enqueueParams(req, query);
      options.requeue = requeue;
      const result = await engine.jobs.enqueue(queue, [body], options);
      const id = result.ids[0] as string;
      // Queue names are [A-Za-z0-9_.:-] and ids digits: nothing to escape, so no JSON.stringify.
      const answer = `{"id":"${id}","queue":"${queue}"}`;
      // A replay of an idempotent request answers like the first one, marked as such.
      const headers: Record<string, string> = { location: jobPath(queue, id) };
      if (result.duplicate) headers["idempotent-replayed"] = "true";
      sendText(res, result.duplicate ? 200 : 201, answer, headers);
    };

  return [
    route("POST", "/q/:queue", onQueue("produce"), { query: enqueueParamNames }, enqueue(false)),
    route("PUT", "/q/:queue", onQueue("produce"), { query: enqueueParamNames }, enqueue(true)),
    route(
      "GET",
      "/q/:queue",
      onQueue("consume"),
      { takesJobs: true, query: ["lease", "wait"] },
      async ({ res, params, query }) => {
        const queue = params[0] as string;
        // no lease: presque's take-it-for-good fetch; a lease given must be a real one
        const lease = secondsParamMs(query, "lease");
        const leaseMs = lease === undefined ? 0 : engine.validate.leaseMs(lease);
        const result = await engine.jobs.fetch(queue, {
          leaseMs,
          waitMs: secondsParamMs(query, "wait"),
          signal: requestSignal(res, deps.shutdownSignal),
        });
        const job = result.jobs[0];
        if (job) return sendText(res, 200, job.payload, jobHeaders(job));
        if (result.stopped)
          return sendError(res, new PresqueError("queue_stopped", `queue ${queue} is stopped`));
        sendEmpty(res, 204);
      },
    ),
    route("DELETE", "/q/:queue", onQueue("admin"), async ({ res, params }) => {
      const queue = params[0] as string;
      sendJson(res, 200, { queue, purged: await engine.queues.purge(queue) });
    }),
    route("GET", "/q/:queue/:id", onQueue("read"), async ({ res, params }) => {
      sendText(res, 200, jobEnvelopeJson(await engine.jobs.getJob(params[0] as string, params[1] as string)));
    }),
    route(
      "DELETE",
      "/q/:queue/:id",
      onQueue("consume"),
      { query: ["token"] },
      async ({ req, res, params, query }) => {
        await engine.jobs.ack(params[0] as string, params[1] as string, leaseTokenOf(req, query));
        sendEmpty(res, 204);
      },
    ),
    route(
      "POST",
      "/q/:queue/:id/nack",
      onQueue("consume"),
      { query: ["token", "delay"] },
      async ({ req, res, params, query }) => {
        const body = await readBody(req, deps.maxBodyBytes);
        const details = (body.trim() === "" ? {} : parseJsonBody(body)) as {
          error?: unknown;
          delay?: unknown;
          retryable?: unknown;
        };
        if (typeof details !== "object" || details === null) throw invalidNack();
        if (details.error !== undefined && typeof details.error !== "string") throw invalidNack();
        if (details.delay !== undefined && typeof details.delay !== "number") throw invalidNack();
        if (details.retryable !== undefined && typeof details.retryable !== "boolean") throw invalidNack();
        const result = await engine.jobs.nack(
          params[0] as string,
          params[1] as string,
          leaseTokenOf(req, query),
          {
            error: details.error,
            delayMs: details.delay === undefined ? secondsParamMs(query, "delay") : details.delay * 1000,
            retryable: details.retryable,
          },
        );
        sendJson(
          res,
          200,
          result.outcome === "dead"
            ? { outcome: "dead", reason: result.reason }
            : { outcome: "retry", retry_at: new Date(result.dueAt).toISOString() },
        );
      },
    ),
    route("POST", "/q/:queue/:id/promote", onQueue("admin"), async ({ res, params }) => {
      await engine.jobs.promote(params[0] as string, params[1] as string);
      sendText(res, 200, jobEnvelopeJson(await engine.jobs.getJob(params[0] as string, params[1] as string)));
    }),
    route(
      "POST",
      "/q/:queue/:id/extend",
      onQueue("consume"),
      { query: ["token", "lease"] },
      async ({ req, res, params, query }) => {
        const leaseMs = secondsParamMs(query, "lease") ?? "default";
        const job = await engine.jobs.extendLease(
          params[0] as string,
          params[1] as string,
          leaseTokenOf(req, query),
          leaseMs,
        );
        sendText(res, 200, jobEnvelopeJson(job), jobHeaders(job));
      },
    ),
  ];
}

const invalidNack = () =>
  new PresqueError(
    "invalid_argument",
    'nack body must be {"error": "why", "delay": seconds, "retryable": false}, each optional',
  );
