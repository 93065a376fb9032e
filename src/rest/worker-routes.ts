import { hostname } from "node:os";
import { onSomeQueue } from "../auth/access.ts";
import type { WorkerInfo } from "../engine/consumers/worker-registry.ts";
import { invalidArgument } from "../errors/presque-error.ts";
import { readBody, sendEmpty, sendJson } from "./http-io.ts";
import { parseJsonBody } from "./raw-json.ts";
import { type RestRoute, route } from "./router.ts";
import type { ConsumerRestDeps } from "./stream-routes.ts";

const iso = (ms: number) => new Date(ms).toISOString();

/** REST spelling of a registry entry. */
export function workerJson(worker: WorkerInfo) {
  return {
    worker_id: worker.workerId,
    name: worker.name,
    queues: worker.queues,
    host: worker.host,
    pid: worker.pid,
    concurrency: worker.concurrency,
    alive: worker.alive,
    registered_at: iso(worker.registeredAt),
    last_heartbeat_at: iso(worker.lastHeartbeatAt),
    heartbeat_seconds: worker.heartbeatMs / 1000,
    working_on: worker.workingOn.map((ref) => ({
      queue: ref.queue,
      id: ref.id,
      started_at: iso(ref.startedAt),
    })),
    processed: worker.processed,
    failed: worker.failed,
  };
}

/**
 * /w/: the worker registry. GET /w/ lists workers (alive or gone); POST /w/ registers one,
 * POST /w/{id}/heartbeat keeps it alive and says what it runs, DELETE /w/{id} removes it.
 * presque's original /w/ (per-queue worker sets keyed by a header) is not kept: it tracked
 * names only, never liveness.
 */
export function workerRoutes(deps: ConsumerRestDeps): RestRoute[] {
  const { workers } = deps.consumers;
  const body = async (req: Parameters<typeof readBody>[0]) => {
    const text = await readBody(req, deps.maxBodyBytes);
    const parsed = text.trim() === "" ? {} : parseJsonBody(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw invalidArgument("body must be a JSON object");
    }
    return parsed as Record<string, unknown>;
  };

  return [
    route("GET", "/w", onSomeQueue("read"), async ({ res, grant }) => {
      // A worker shows when the key may read one of its queues.
      const visible = (await workers.list()).filter((worker) =>
        worker.queues.some((q) => grant.can("read", q)),
      );
      sendJson(res, 200, { workers: visible.map(workerJson) });
    }),
    route("POST", "/w", onSomeQueue("consume"), async ({ req, res, grant }) => {
      const fields = await body(req);
      const queues = stringListField(fields, "queues");
      for (const queue of queues) grant.require("consume", queue);
      const workerId = await workers.register({
        name: stringField(fields, "name") ?? "",
        queues,
        host: stringField(fields, "host") ?? hostname(),
        pid: numberField(fields, "pid") ?? 0,
        concurrency: numberField(fields, "concurrency") ?? 1,
        heartbeatMs: (numberField(fields, "heartbeat_seconds") ?? 5) * 1000,
      });
      sendJson(res, 201, { worker_id: workerId }, { location: `/w/${workerId}` });
    }),
    route("POST", "/w/:worker/heartbeat", onSomeQueue("consume"), async ({ req, res, params }) => {
      const fields = await body(req);
      const workingOn = fields.working_on ?? [];
      if (!Array.isArray(workingOn)) throw invalidArgument("working_on must be a list of {queue, id}");
      await workers.heartbeat(params[0] as string, {
        workingOn: workingOn.map((ref: Record<string, unknown>) => ({
          queue: String(ref.queue ?? ""),
          id: String(ref.id ?? ""),
          startedAt: typeof ref.started_at === "string" ? Date.parse(ref.started_at) : Date.now(),
        })),
        processed: numberField(fields, "processed") ?? 0,
        failed: numberField(fields, "failed") ?? 0,
      });
      sendEmpty(res, 204);
    }),
    route("DELETE", "/w/:worker", onSomeQueue("consume"), async ({ res, params }) => {
      await workers.unregister(params[0] as string);
      sendEmpty(res, 204);
    }),
  ];
}

function stringField(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalidArgument(`${name} must be a string`);
  return value;
}

function numberField(fields: Record<string, unknown>, name: string): number | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw invalidArgument(`${name} must be a number of at least 0`);
  }
  return value;
}

function stringListField(fields: Record<string, unknown>, name: string): string[] {
  const value = fields[name] ?? [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw invalidArgument(`${name} must be a list of strings`);
  }
  return value;
}
