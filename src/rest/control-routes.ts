import { invalidArgument } from "../errors/presque-error.ts";
import { readBody, sendJson } from "./http-io.ts";
import { parseJsonBody } from "./raw-json.ts";
import type { RestDeps } from "./rest-deps.ts";
import type { RestRouter } from "./router.ts";
import { settingsJson, settingsUpdate } from "./settings-json.ts";

const controlPath = /^\/control\/([^/]+)$/;
const settingsPath = /^\/control\/([^/]+)\/settings$/;

/** presque's /control/: stop a queue (it keeps accepting jobs, hands none out) or start it again. */
export function registerControlRoutes(router: RestRouter, deps: RestDeps): void {
  const { engine } = deps;
  const answer = (queue: string, stopped: boolean) => ({
    queue,
    status: stopped ? "stopped" : "started",
    stopped,
  });
  router
    .on("GET", controlPath, async ({ res, params }) => {
      const info = await engine.queues.queueInfo(params[0] as string);
      sendJson(res, 200, answer(info.queue, info.stopped));
    })
    .on("POST", controlPath, async ({ req, res, params }) => {
      const queue = engine.validate.queueName(params[0] as string);
      const body = parseJsonBody(await readBody(req, deps.maxBodyBytes)) as { status?: unknown };
      const status = typeof body === "object" && body !== null ? body.status : undefined;
      if (status !== "stop" && status !== "start") {
        throw invalidArgument('body must be {"status": "stop"} or {"status": "start"}');
      }
      await engine.queues.setStopped(queue, status === "stop");
      sendJson(res, 200, { ...answer(queue, status === "stop"), response: "updated" });
    })
    .on("DELETE", controlPath, async ({ res, params }) => {
      const queue = params[0] as string;
      await engine.queues.deleteQueue(queue);
      sendJson(res, 200, { queue, deleted: true });
    })
    .on("GET", settingsPath, async ({ res, params }) => {
      const queue = params[0] as string;
      sendJson(res, 200, { queue, settings: settingsJson(await engine.queues.getSettings(queue)) });
    })
    .on("POST", settingsPath, async ({ req, res, params }) => {
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
    });
}
