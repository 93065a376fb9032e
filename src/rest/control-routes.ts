import { onQueue } from "../auth/access.ts";
import { invalidArgument } from "../errors/presque-error.ts";
import { readBody, sendJson } from "./http-io.ts";
import { parseJsonBody } from "./raw-json.ts";
import type { RestDeps } from "./rest-deps.ts";
import { type RestRoute, route } from "./router.ts";
import { settingsJson, settingsUpdate } from "./settings-json.ts";

/** presque's /control/: stop a queue (it keeps accepting jobs, hands none out) or start it again. */
export function controlRoutes(deps: RestDeps): RestRoute[] {
  const { engine } = deps;
  const answer = (queue: string, stopped: boolean) => ({
    queue,
    // presque 2010's status: 1 open, 0 stopped (docs/presque-compat.md)
    status: stopped ? 0 : 1,
    stopped,
  });
  return [
    route("GET", "/control/:queue", onQueue("read"), async ({ res, params }) => {
      const info = await engine.queues.queueInfo(params[0] as string);
      sendJson(res, 200, answer(info.queue, info.stopped));
    }),
    route("POST", "/control/:queue", onQueue("admin"), async ({ req, res, params }) => {
      const queue = engine.validate.queueName(params[0] as string);
      const body = parseJsonBody(await readBody(req, deps.maxBodyBytes)) as { status?: unknown };
      const status = typeof body === "object" && body !== null ? body.status : undefined;
      if (status !== "stop" && status !== "start") {
        throw invalidArgument('body must be {"status": "stop"} or {"status": "start"}');
      }
      await engine.queues.setStopped(queue, status === "stop");
      sendJson(res, 200, { ...answer(queue, status === "stop"), response: "updated" });
    }),
    route("DELETE", "/control/:queue", onQueue("admin"), async ({ res, params }) => {
      const queue = params[0] as string;
      await engine.queues.deleteQueue(queue);
      sendJson(res, 200, { queue, deleted: true });
    }),
    route("GET", "/control/:queue/settings", onQueue("read"), async ({ res, params }) => {
      const queue = params[0] as string;
      sendJson(res, 200, { queue, settings: settingsJson(await engine.queues.getSettings(queue)) });
    }),
    route("POST", "/control/:queue/settings", onQueue("admin"), async ({ req, res, params }) => {
      const queue = params[0] as string;
      const body = parseJsonBody(await readBody(req, deps.maxBodyBytes));
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw invalidArgument('body must be {"max_attempts": 5, ...}; null resets a setting');
      }
      const settings = await engine.queues.updateSettings(
        queue,
        settingsUpdate(body as Record<string, unknown>),
      );
      sendJson(res, 200, { queue, settings: settingsJson(settings) });
    }),
  ];
}
