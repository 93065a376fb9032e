import { onQueue, onSomeQueue } from "../auth/access.ts";
import type { ScheduleView } from "../engine/ops/schedules.ts";
import { invalidArgument, PresqueError } from "../errors/presque-error.ts";
import { readBody, sendJson, sendText } from "./http-io.ts";
import { parseJsonBody, rawValueOf } from "./raw-json.ts";
import type { RestDeps } from "./rest-deps.ts";
import { type RestRoute, route } from "./router.ts";

const shape =
  'body must be {"cron": "*/5 * * * *", "timezone": "Europe/Paris", "payload": {...}} or {"every": 60, "payload": {...}}';

/** The REST spelling of a schedule; its payload is spliced in as stored. */
function scheduleJson(view: ScheduleView): string {
  const head = JSON.stringify({
    name: view.name,
    queue: view.queue,
    ...("cron" in view.timing
      ? { cron: view.timing.cron, timezone: view.timing.timezone ?? "UTC" }
      : { every: view.timing.everySeconds }),
    priority: view.priority ?? 0,
    next_run_at: view.nextRunAt >= 0 ? new Date(view.nextRunAt).toISOString() : null,
  });
  return `${head.slice(0, -1)},"payload":${view.payload}}`;
}

/** Recurring schedules: PUT to create or replace, GET to list, DELETE to remove. */
export function scheduleRoutes(deps: RestDeps): RestRoute[] {
  const { engine } = deps;
  const list = (views: ScheduleView[]) => `{"schedules":[${views.map(scheduleJson).join(",")}]}`;
  return [
    route("GET", "/schedules", onSomeQueue("read"), async ({ res, grant }) => {
      const views = await engine.schedules.listSchedules();
      sendText(res, 200, list(views.filter((view) => grant.can("read", view.queue))));
    }),
    route("GET", "/schedules/:queue", onQueue("read"), async ({ res, params }) => {
      sendText(res, 200, list(await engine.schedules.listSchedules(params[0] as string)));
    }),
    route("PUT", "/schedules/:queue/:name", onQueue("admin"), async ({ req, res, params }) => {
      const body = await readBody(req, deps.maxBodyBytes);
      // The payload is checked on its own below: the schedule around it adds a level.
      const parsed = parseJsonBody(body, Number.POSITIVE_INFINITY) as Record<string, unknown>;
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw invalidArgument(shape);
      const { cron, every, timezone, priority, payload, ...rest } = parsed;
      if (Object.keys(rest).length > 0)
        throw invalidArgument(`${shape}; unknown ${Object.keys(rest).join(", ")}`);
      if (payload === undefined || (cron === undefined) === (every === undefined))
        throw invalidArgument(shape);
      if (cron !== undefined && typeof cron !== "string") throw invalidArgument(shape);
      if (every !== undefined && typeof every !== "number") throw invalidArgument(shape);
      if (timezone !== undefined && typeof timezone !== "string") throw invalidArgument(shape);
      if (priority !== undefined && typeof priority !== "number") throw invalidArgument(shape);
      const view = await engine.schedules.putSchedule({
        queue: params[0] as string,
        name: params[1] as string,
        timing:
          cron !== undefined
            ? { cron: cron as string, timezone: timezone as string | undefined }
            : { everySeconds: every as number },
        payload: engine.validate.payload(rawValueOf(body, "payload")),
        priority: priority as number | undefined,
      });
      sendText(res, 200, scheduleJson(view));
    }),
    route("DELETE", "/schedules/:queue/:name", onQueue("admin"), async ({ res, params }) => {
      const [queue, name] = params as [string, string];
      if (!(await engine.schedules.deleteSchedule(queue, name))) {
        throw new PresqueError("not_found", `queue ${queue} has no schedule ${name}`);
      }
      sendJson(res, 200, { queue, name, deleted: true });
    }),
  ];
}
