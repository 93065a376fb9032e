import { Code, ConnectError, createContextKey, type Interceptor } from "@connectrpc/connect";
import { isAudited, writeAuditLine } from "../auth/audit-log.ts";
import { everything, type Grant } from "../auth/grant.ts";
import type { RequestFacts } from "../auth/request-facts.ts";
import type { RequestGate } from "../auth/request-gate.ts";
import { toConnectError } from "../errors/error-table.ts";
import type { Logger } from "../log.ts";
import { defaultQueues, rpcAccess } from "./rpc-access.ts";

/** The facts of the HTTP request under a call (set by the adapter's contextValues). */
export const requestFactsKey = createContextKey<RequestFacts | undefined>(undefined);
/** What the call's key may do (set here; read by services that filter cross-queue answers). */
export const grantKey = createContextKey<Grant>(everything);

/**
 * Runs the request gate for every RPC before its handler, from the access table. A streaming
 * request's first message names its queues, so it is read and checked before the handler sees it.
 */
export function createAuthInterceptor(gate: RequestGate, log: Logger): Interceptor {
  return (next) => async (req) => {
    const procedure = `${req.service.typeName}/${req.method.name}`;
    const rule = rpcAccess[procedure];
    if (rule === undefined) throw new ConnectError(`no access rule for ${procedure}`, Code.Internal);
    const facts = req.contextValues.get(requestFactsKey);
    if (facts === undefined) throw new ConnectError("request facts missing", Code.Internal);
    const admit = (message: unknown) => {
      const queues = rule.access.kind === "queue" ? (rule.queues ?? defaultQueues)(message as never) : [];
      const grant = gate.admit(facts, rule.access, queues);
      req.contextValues.set(grantKey, grant);
      return { grant, queues };
    };
    const audit = (admitted: { grant: Grant; queues: string[] }, outcome: string) =>
      writeAuditLine(log, {
        key: admitted.grant.keyName,
        action: procedure,
        queues: admitted.queues,
        outcome,
        remoteAddress: facts.remoteAddress,
      });
    if (req.stream) {
      if (rule.access.kind !== "queue") {
        admit({});
        return next(req);
      }
      // A server stream that names queues (Subscribe): its one request message, read to the
      // end now (as connect-es would) so it is checked before the handler runs.
      const messages: unknown[] = [];
      for await (const message of req.message) messages.push(message);
      admit(messages[0] ?? {});
      return next({
        ...req,
        message: (async function* () {
          yield* messages;
        })() as typeof req.message,
      });
    }
    const admitted = admit(req.message);
    if (!isAudited(rule.access)) return next(req);
    try {
      const res = await next(req);
      audit(admitted, "ok");
      return res;
    } catch (error) {
      audit(admitted, Code[toConnectError(error).code] ?? "unknown");
      throw error;
    }
  };
}
