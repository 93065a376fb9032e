import {
  Code,
  ConnectError,
  type ContextValues,
  createContextKey,
  type Interceptor,
  type StreamRequest,
} from "@connectrpc/connect";
import { isAudited, writeAuditLine } from "../auth/audit-log.ts";
import { everything, type Grant } from "../auth/grant.ts";
import type { RequestFacts } from "../auth/request-facts.ts";
import type { RequestGate } from "../auth/request-gate.ts";
import { toConnectError } from "../errors/error-table.ts";
import type { Logger } from "../log.ts";
import { defaultQueues, type RpcAccess, rpcAccess } from "./rpc-access.ts";

/** The facts of the HTTP request under a call (set by the adapter's contextValues). */
export const requestFactsKey = createContextKey<RequestFacts | undefined>(undefined);
/** What the call's key may do (set here; read by services that filter cross-queue answers). */
export const grantKey = createContextKey<Grant>(everything);

/** An access rule with the name it is known by, looked up once per method, not per call. */
interface Procedure {
  name: string;
  rule: RpcAccess | undefined;
}

/**
 * Runs the request gate for every RPC before its handler, from the access table. A streaming
 * request's first message names its queues, so it is read and checked before the handler sees it.
 */
export function createAuthInterceptor(gate: RequestGate, log: Logger): Interceptor {
  const procedures = new WeakMap<object, Procedure>();
  const procedureOf = (req: { service: { typeName: string }; method: { name: string } }) => {
    let procedure = procedures.get(req.method);
    if (procedure === undefined) {
      const name = `${req.service.typeName}/${req.method.name}`;
      procedure = { name, rule: rpcAccess[name] };
      procedures.set(req.method, procedure);
    }
    return procedure;
  };
  const audit = (procedure: string, admitted: Admitted, remoteAddress: string, outcome: string) =>
    writeAuditLine(log, {
      key: admitted.grant.keyName,
      action: procedure,
      queues: admitted.queues,
      outcome,
      remoteAddress,
    });

  // Not an async function: a unary call that needs no audit line is passed on as it is, without
  // one more promise around its answer (a refusal thrown here rejects the caller's await alike).
  return (next) => (req) => {
    const { name, rule } = procedureOf(req);
    if (rule === undefined) throw new ConnectError(`no access rule for ${name}`, Code.Internal);
    const facts = req.contextValues.get(requestFactsKey);
    if (facts === undefined) throw new ConnectError("request facts missing", Code.Internal);
    if (req.stream) {
      if (rule.access.kind !== "queue") {
        admit(gate, facts, rule, {}, req.contextValues);
        return next(req);
      }
      return admitStream(gate, next, req, facts, rule);
    }
    const admitted = admit(gate, facts, rule, req.message, req.contextValues);
    if (!isAudited(rule.access)) return next(req);
    return next(req).then(
      (res) => {
        audit(name, admitted, facts.remoteAddress, "ok");
        return res;
      },
      (error: unknown) => {
        audit(name, admitted, facts.remoteAddress, Code[toConnectError(error).code] ?? "unknown");
        throw error;
      },
    );
  };
}

/**
 * A server stream that names queues (Subscribe): its one request message, read to the end now
 * (as connect-es would) so it is checked before the handler runs.
 */
async function admitStream(
  gate: RequestGate,
  next: Parameters<Interceptor>[0],
  req: StreamRequest,
  facts: RequestFacts,
  rule: RpcAccess,
) {
  const messages: unknown[] = [];
  for await (const message of req.message) messages.push(message);
  admit(gate, facts, rule, messages[0] ?? {}, req.contextValues);
  return next({
    ...req,
    message: (async function* () {
      yield* messages;
    })() as typeof req.message,
  });
}

interface Admitted {
  grant: Grant;
  queues: string[];
}

const noQueues: string[] = [];

/** The gate's verdict on one call; the grant is left in the context for the services. */
function admit(
  gate: RequestGate,
  facts: RequestFacts,
  rule: RpcAccess,
  message: unknown,
  values: ContextValues,
): Admitted {
  const queues = rule.access.kind === "queue" ? (rule.queues ?? defaultQueues)(message as never) : noQueues;
  const grant = gate.admit(facts, rule.access, queues);
  values.set(grantKey, grant);
  return { grant, queues };
}
