import { invalidArgument } from "../../errors/presque-error.ts";
import { checkPayloadDepth } from "./validate.ts";

/**
 * Parses JSON text a client sent (a REST body, an RPC payload_json) with the rules every job
 * follows: not empty, JSON, no deeper than maxDepth (checked first, so nothing too deep is walked),
 * no number beyond a double (RPC consumers could not receive it). `what` names it in the errors.
 */
export function parseJsonText(text: string, what: string, maxDepth: number): unknown {
  if (text.trim() === "") throw invalidArgument(`${what} is empty: a job is any JSON value`);
  checkPayloadDepth(text, maxDepth, what);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidArgument(`${what} is not JSON: ${(error as Error).message}`);
  }
  // Cheap test first: only a large exponent or a very long literal can overflow a double.
  if (/[eE][+-]?\d{3}|\d{300}/.test(text) && !allNumbersFinite(value)) {
    throw invalidArgument(`${what} has a number too large for a double: RPC consumers could not receive it`);
  }
  return value;
}

/** Walks with a stack of its own, not recursion, so no value is too deep for it. */
function allNumbersFinite(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "number" && !Number.isFinite(value)) return false;
    if (typeof value === "object" && value !== null)
      for (const item of Object.values(value)) pending.push(item);
  }
  return true;
}
