/**
 * The `route` label of request metrics: a path template, never the raw path, so queue names and
 * job ids cannot grow the number of time series without bound.
 *
 * RPC paths (`/presque.v1.QueueService/Fetch`) are kept whole when the server knew the procedure;
 * an unknown procedure (404, or gRPC's 200 with UNIMPLEMENTED) is "unmatched". REST paths take
 * the pattern of the route-table row that serves them (`/q/:queue/:id`); any other path is
 * "unmatched".
 */
const rpcPath = /^\/[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.[A-Z]\w*\/[A-Z]\w*$/;

/** Labels from the REST route table (its router's patternOf) and the served RPC procedures. */
export function createRouteLabeler(
  patternOf: (pathname: string) => string | undefined,
  procedures: ReadonlySet<string>,
): (pathname: string) => string {
  return (pathname) => {
    if (rpcPath.test(pathname)) return procedures.has(pathname) ? pathname : "unmatched";
    return patternOf(pathname) ?? "unmatched";
  };
}
