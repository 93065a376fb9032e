/**
 * The `route` label of request metrics: a path template, never the raw path, so queue names and
 * job ids cannot grow the number of time series without bound.
 *
 * RPC paths (`/presque.v1.QueueService/Fetch`) are kept whole when the server knew the procedure;
 * an unknown procedure (404) is "unmatched". REST paths map to a template by their first segment;
 * data segments become `:queue`, `:id` and so on, so even a path no route serves gets a label from
 * a small, fixed set.
 */
const rpcPath = /^\/[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.[A-Z]\w*\/[A-Z]\w*$/;

/** First path segment → names of the parameters after it. */
const restRoutes: Record<string, string[]> = {
  q: [":queue", ":id", ":verb"],
  qb: [":queue"],
  j: [":queue"],
  status: [":queue"],
  stats: [":queue", ":view"],
  control: [":queue"],
  dead: [":queue", ":verb"],
  w: [":worker", ":verb"],
  schedules: [":schedule"],
  dashboard: [":asset", ":asset"],
  metrics: [],
  healthz: [],
  readyz: [],
};

/** Literal segments worth keeping in a label (route verbs, not data). */
const verbs = new Set(["jobs", "nack", "extend", "history", "redrive"]);

export function routeLabel(pathname: string, status: number): string {
  if (rpcPath.test(pathname)) return status === 404 ? "unmatched" : pathname;
  if (pathname === "/") return "/";
  const [first = "", ...rest] = pathname.split("/").slice(1);
  const params = restRoutes[first];
  if (params === undefined || rest.length > params.length) return "unmatched";
  const parts = rest
    .filter((segment) => segment !== "")
    .map((segment, i) => (verbs.has(segment) ? segment : params[i]));
  return ["", first, ...parts].join("/");
}
