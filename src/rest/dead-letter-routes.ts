import { onQueue } from "../auth/access.ts";
import type { RedriveOptions } from "../engine/ops/dead-letters.ts";
import { invalidArgument } from "../errors/presque-error.ts";
import { readBody, sendJson, sendText } from "./http-io.ts";
import { jobEnvelopeJson } from "./job-json.ts";
import { numberParam } from "./query-params.ts";
import { parseJsonBody } from "./raw-json.ts";
import type { RestDeps } from "./rest-deps.ts";
import { type RestRoute, route } from "./router.ts";

/** Dead letters: list a page, redrive some or all, delete some or all. */
export function deadLetterRoutes(deps: RestDeps): RestRoute[] {
  const { engine } = deps;

  const readOptions = async (req: Parameters<typeof readBody>[0]) => {
    const body = await readBody(req, deps.maxBodyBytes);
    const parsed = (body.trim() === "" ? {} : parseJsonBody(body)) as Record<string, unknown>;
    const shape = 'body must be {"ids": ["1", ...], "error_contains": "text", "to": "queue"}, each optional';
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw invalidArgument(shape);
    const { ids, error_contains: errorContains, to, ...rest } = parsed;
    if (Object.keys(rest).length > 0)
      throw invalidArgument(`${shape}; unknown ${Object.keys(rest).join(", ")}`);
    if (
      ids !== undefined &&
      (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === "string"))
    ) {
      throw invalidArgument(`${shape}; ids, when given, is a non-empty list of job ids`);
    }
    if (errorContains !== undefined && typeof errorContains !== "string") throw invalidArgument(shape);
    if (to !== undefined && typeof to !== "string") throw invalidArgument(shape);
    return { ids, errorContains, to } as RedriveOptions;
  };

  return [
    route(
      "GET",
      "/dead/:queue",
      onQueue("read"),
      { query: ["cursor", "limit"] },
      async ({ res, params, query }) => {
        const page = await engine.dead.listDead(params[0] as string, {
          cursor: query.get("cursor") ?? undefined,
          limit: numberParam(query, "limit"),
        });
        const next = page.nextCursor === undefined ? "" : `,"next_cursor":${JSON.stringify(page.nextCursor)}`;
        sendText(res, 200, `{"jobs":[${page.jobs.map(jobEnvelopeJson).join(",")}]${next}}`);
      },
    ),
    route("POST", "/dead/:queue/redrive", onQueue("admin"), async ({ req, res, params, grant }) => {
      const queue = params[0] as string;
      const options = await readOptions(req);
      if (options.to !== undefined) grant.require("admin", options.to);
      const redriven = await engine.dead.redrive(queue, options);
      sendJson(res, 200, { queue, redriven });
    }),
    route("DELETE", "/dead/:queue", onQueue("admin"), async ({ req, res, params }) => {
      const queue = params[0] as string;
      // Deleting takes ids or nothing (all): a filter here would be easy to misread as "only these".
      const { ids, errorContains, to } = await readOptions(req);
      if (errorContains !== undefined || to !== undefined) {
        throw invalidArgument('delete takes {"ids": [...]} or no body (every dead letter)');
      }
      sendJson(res, 200, { queue, deleted: await engine.dead.deleteDead(queue, ids) });
    }),
  ];
}
