import { invalidArgument } from "../errors/presque-error.ts";
import type { Request } from "./http-io.ts";
import { parseDurationMs } from "./time-params.ts";

/** Decimal digits only: Number() would also take "" (0), "0x10", "1e-9" and " 5 ". */
const decimal = /^-?\d+(\.\d+)?$/;

/** A numeric query parameter, or undefined when absent; anything but a decimal number is a 400. */
export function numberParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const value = decimal.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value))
    throw invalidArgument(`query parameter ${name} must be a number, got ${JSON.stringify(raw)}`);
  return value;
}

/** A duration in the query (seconds, or 250ms, 90s, 5m, 1h30m), as milliseconds. */
export function secondsParamMs(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  return raw === null ? undefined : parseDurationMs(raw, `query parameter ${name}`);
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
    // Handlers read one value; a second one (lease=5&lease=abc) would pass unchecked.
    if (query.getAll(name).length > 1) {
      throw invalidArgument(`query parameter ${JSON.stringify(name)} is given more than once`);
    }
    if (!allowed.includes(name)) {
      const takes = allowed.length > 0 ? `this route takes ${allowed.join(", ")}` : "this route takes none";
      throw invalidArgument(`unknown query parameter ${JSON.stringify(name)}: ${takes}`);
    }
  }
}
