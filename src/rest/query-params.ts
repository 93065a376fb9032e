import { invalidArgument } from "../errors/presque-error.ts";
import type { Request } from "./http-io.ts";

/** A numeric query parameter, or undefined when absent; anything else that is not a number is a 400. */
export function numberParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value))
    throw invalidArgument(`query parameter ${name} must be a number, got ${JSON.stringify(raw)}`);
  return value;
}

/** Seconds in the query, as milliseconds. */
export function secondsParamMs(query: URLSearchParams, name: string): number | undefined {
  const seconds = numberParam(query, name);
  return seconds === undefined ? undefined : seconds * 1000;
}

/** The lease token of an ack, nack or extend: the X-Presque-Lease-Token header or ?token=. */
export function leaseTokenOf(req: Request, query: URLSearchParams): string {
  const header = req.headers["x-presque-lease-token"];
  const token = (Array.isArray(header) ? header[0] : header) ?? query.get("token") ?? "";
  if (token === "") throw invalidArgument("lease token is missing: send X-Presque-Lease-Token or ?token=");
  return token;
}

/** Refuses a query parameter the route does not take: a typo (?priorty=5) must not pass unnoticed. */
export function onlyParams(query: URLSearchParams, allowed: readonly string[]): void {
  for (const name of query.keys()) {
    if (!allowed.includes(name)) {
      const takes = allowed.length > 0 ? `this route takes ${allowed.join(", ")}` : "this route takes none";
      throw invalidArgument(`unknown query parameter ${JSON.stringify(name)}: ${takes}`);
    }
  }
}
