import { onQueue } from "../auth/access.ts";
import { PresqueError } from "../errors/presque-error.ts";
import { enqueueParamNames, enqueueParams } from "./enqueue-params.ts";
import { readBody, sendEmpty, sendError, sendJson, sendText } from "./http-io.ts";
import { numberParam, secondsParamMs } from "./query-params.ts";
import { rawJobsOfBatch } from "./raw-json.ts";
import { type RestDeps, requestSignal } from "./rest-deps.ts";
import { type RestRoute, route } from "./router.ts";

const defaultBatchSize = 10; // presque's default

/** presque's /qb/ routes: many jobs per request, one Redis round trip per batch. */
export function batchRoutes(deps: RestDeps): RestRoute[] {
  const { engine } = deps;
  return [
    route(
      "POST",
      "/qb/:queue",
      onQueue("produce"),
      { query: enqueueParamNames },
      async ({ req, res, params, query }) => {
        const queue = engine.validate.queueName(params[0] as string);
        const jobs = rawJobsOfBatch(await readBody(req, deps.maxBodyBytes), deps.maxPayloadDepth);
        const result = await engine.jobs.enqueue(queue, jobs, enqueueParams(req, query));
        const replay: Record<string, string> = result.duplicate ? { "idempotent-replayed": "true" } : {};
        sendJson(res, result.duplicate ? 200 : 201, { queue, ids: result.ids }, replay);
      },
    ),
    route(
      "GET",
      "/qb/:queue",
      onQueue("consume"),
      { takesJobs: true, query: ["batch_size", "lease", "wait"] },
      async ({ res, params, query }) => {
        const queue = params[0] as string;
        const lease = secondsParamMs(query, "lease");
        const result = await engine.jobs.fetch(queue, {
          count: numberParam(query, "batch_size") ?? Math.min(defaultBatchSize, deps.maxBatchSize),
          leaseMs: lease === undefined ? 0 : engine.validate.leaseMs(lease),
          waitMs: secondsParamMs(query, "wait"),
          signal: requestSignal(res, deps.shutdownSignal),
        });
        if (result.jobs.length > 0) {
          const headers: Record<string, string> = {
            "x-presque-job-ids": result.jobs.map((j) => j.id).join(","),
          };
          if (result.jobs[0]?.leaseToken !== undefined) {
            headers["x-presque-lease-tokens"] = result.jobs.map((j) => j.leaseToken).join(",");
          }
          return sendText(res, 200, `[${result.jobs.map((j) => j.payload).join(",")}]`, headers);
        }
        if (result.stopped)
          return sendError(res, new PresqueError("queue_stopped", `queue ${queue} is stopped`));
        sendEmpty(res, 204);
      },
    ),
  ];
}
