import { onQueue } from "../auth/access.ts";
import type { BrowsableState } from "../engine/views/job-browser.ts";
import type { Monitoring } from "../metrics/monitoring.ts";
import { sendText } from "./http-io.ts";
import { jobEnvelopeJson } from "./job-json.ts";
import { numberParam } from "./query-params.ts";
import { type RestRoute, route } from "./router.ts";

/**
 * GET /q/:queue/jobs?state=ready|delayed|leased&cursor=&limit=: a read-only page of jobs with their
 * envelopes, for the dashboard and for people with curl. Registered before the /q/ routes, whose
 * /q/:queue/:id would otherwise take "jobs" for a job id.
 */
export function jobBrowserRoutes({ jobs }: Pick<Monitoring, "jobs">): RestRoute[] {
  return [
    route(
      "GET",
      "/q/:queue/jobs",
      onQueue("read"),
      { query: ["state", "cursor", "limit"] },
      async ({ res, params, query }) => {
        const page = await jobs.list(params[0] as string, (query.get("state") ?? "ready") as BrowsableState, {
          cursor: query.get("cursor") ?? undefined,
          limit: numberParam(query, "limit"),
        });
        // Payloads are spliced in as stored (jobEnvelopeJson), so the page is assembled as text.
        // next_cursor, as on every paged route (dead letters too)
        const cursor = page.cursor === undefined ? "" : `,"next_cursor":${JSON.stringify(page.cursor)}`;
        sendText(res, 200, `{"jobs":[${page.jobs.map(jobEnvelopeJson).join(",")}]${cursor}}`);
      },
    ),
  ];
}
