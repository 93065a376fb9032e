/** The path and query of a request, as the router reads them. */
export interface RequestTarget {
  pathname: string;
  query: URLSearchParams;
}

/**
 * Characters WHATWG URL parsing copies unchanged into the path and the query of an http: URL.
 * A target starting with "//" would be read as a host, so it is left to the full parser.
 */
const plainTarget = /^\/(?!\/)[\w\-.~!$&()*+,;=:@/%?]*$/;
/** What URL parsing resolves away or rewrites in a path: dot segments, also percent-encoded. */
const dotSegment = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/** The query of every target without one: shared, so routes read queries and never change them. */
const noQuery = new URLSearchParams();

/**
 * Splits a request target the way `new URL(target, "http://presque")` does. That parser costs
 * more than the rest of routing together, so the common target (plain ASCII, no dot segments)
 * is split by hand and anything else still goes through it.
 */
export function parseRequestTarget(target: string): RequestTarget {
  if (plainTarget.test(target)) {
    const mark = target.indexOf("?");
    const pathname = mark === -1 ? target : target.slice(0, mark);
    if (!dotSegment.test(pathname)) {
      return {
        pathname,
        // The constructor drops one leading "?", as URL does.
        query: mark === -1 ? noQuery : new URLSearchParams(target.slice(mark)),
      };
    }
  }
  const url = new URL(target, "http://presque");
  return { pathname: url.pathname, query: url.searchParams };
}
