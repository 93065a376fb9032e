import type { Verb } from "./scope.ts";

/**
 * What a route or RPC needs, declared beside it (the REST route table, rpc-access.ts), so a route
 * cannot exist without saying who may use it.
 */
export type Access =
  /** Health checks, the dashboard's static files: no key, no browser checks. */
  | { kind: "public" }
  /** Any valid key (API descriptions: OpenAPI, reflection). */
  | { kind: "authenticated" }
  /** `verb` on the queue(s) the request names (path parameter, message field). */
  | { kind: "queue"; verb: Verb }
  /** `verb` on some queue; the answer shows only the queues the key may `verb` (stats, lists). */
  | { kind: "someQueue"; verb: Verb }
  /** `verb` on every queue (a `verb:*` scope): /metrics. */
  | { kind: "everyQueue"; verb: Verb };

export const open: Access = { kind: "public" };
export const anyKey: Access = { kind: "authenticated" };
export const onQueue = (verb: Verb): Access => ({ kind: "queue", verb });
export const onSomeQueue = (verb: Verb): Access => ({ kind: "someQueue", verb });
export const onEveryQueue = (verb: Verb): Access => ({ kind: "everyQueue", verb });
