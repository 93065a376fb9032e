import { createContextValues } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { OriginPolicy } from "../auth/origin-policy.ts";
import { requestFacts } from "../auth/request-facts.ts";
import type { RequestGate } from "../auth/request-gate.ts";
import type { Limits } from "../config/config.ts";
import type { OpenEngine } from "../engine/open-engine.ts";
import type { Logger } from "../log.ts";
import type { Monitoring } from "../metrics/monitoring.ts";
import { observeRequests, pathOf } from "../metrics/request-observer.ts";
import { createRouteLabeler } from "../metrics/route-label.ts";
import type { Request, Response } from "../rest/http-io.ts";
import { restRoutes } from "../rest/rest-routes.ts";
import { createRestRouter } from "../rest/router.ts";
import { createAuthInterceptor, requestFactsKey } from "../rpc/auth-interceptor.ts";
import { createErrorInterceptor } from "../rpc/error-interceptor.ts";
import { rpcAccess } from "../rpc/rpc-access.ts";
import { rpcRoutes } from "../rpc/rpc-routes.ts";
import { withCors } from "./cors.ts";
import { answerUnknownProcedure } from "./framework-errors.ts";
import type { PresqueHttp2Response, PresqueResponse } from "./presque-response.ts";
import { rpcKindOf } from "./rpc-answer.ts";

export interface HandlerDeps {
  /** The engine with its consumers (subscriptions, worker registry). */
  opened: OpenEngine;
  limits: Limits;
  log: Logger;
  /** One log line per request. */
  logRequests: boolean;
  /** Aborting it ends long polls and streams (clients see "unavailable"). */
  shutdownSignal: AbortSignal;
  /** Dashboard, metrics, health and stats (src/metrics/monitoring.ts). */
  monitoring: Monitoring;
  /** Checks every route and RPC: origin, key, scope (src/auth/). */
  gate: RequestGate;
  /** The origin policy the gate uses; CORS answers from it too. */
  origins: OriginPolicy;
  /** auth.metrics_open: /metrics without a key. */
  metricsOpen: boolean;
}

/**
 * One Node request handler for everything: Connect, gRPC and gRPC-Web on the RPC paths, and
 * the REST routes and pages as the adapter's fallback for every other path.
 */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function buildHandler(deps: HandlerDeps) {
  const { limits, log, shutdownSignal, monitoring } = deps;
  const { engine } = deps.opened;
  const consumers = { subscriptions: deps.opened.subscriptions, workers: deps.opened.workers };
  const routes = restRoutes({
    engine,
    consumers,
    monitoring,
    maxBodyBytes: limits.maxBodyBytes,
    maxBatchSize: limits.maxBatchSize,
    maxPayloadDepth: limits.maxPayloadDepth,
    shutdownSignal,
    metricsOpen: deps.metricsOpen,
    authOn: deps.gate.authOn,
  });
  const rest = createRestRouter(routes, {
    gate: deps.gate,
    log,
    onUnexpected: (error, req) => log.error("unexpected error", { error, method: req.method, url: req.url }),
  });
  const procedures = new Set<string>();
  // Node's two response classes differ only in overloads the REST layer does not use.
  const serveRest = (req: Request, res: Parameters<typeof answerUnknownProcedure>[1]) =>
    answerUnknownProcedure(req, res) || rest.handle(req, res as unknown as Response);
  const handler = connectNodeAdapter({
    routes: (router) => {
      rpcRoutes({ engine, shutdownSignal, consumers, ...monitoring })(router);
      for (const handler of router.handlers) procedures.add(handler.requestPath);
      // Secure by default: an RPC without an access rule stops the server from starting.
      const unruled = [...procedures].filter((path) => rpcAccess[path.slice(1)] === undefined);
      if (unruled.length > 0)
        throw new Error(`RPCs without an access rule in rpc-access.ts: ${unruled.join(", ")}`);
    },
    fallback: (req, res) => serveRest(req, res),
    readMaxBytes: limits.maxBodyBytes,
    // A typo in a field name should be an error, not a silently ignored option.
    // Invalid UTF-8 must be refused, not stored with U+FFFD in its place: connect-es reads a
    // textDecoder from the JSON options (its types do not list it).
    jsonOptions: { ignoreUnknownFields: false, textDecoder: strictUtf8 } as { ignoreUnknownFields: boolean },
    shutdownSignal,
    contextValues: (req) => createContextValues().set(requestFactsKey, requestFacts(req)),
    // The error interceptor wraps the auth one, so a refusal is answered like any engine error.
    interceptors: [
      createErrorInterceptor((error, procedure) => log.error("unexpected error", { error, procedure })),
      createAuthInterceptor(deps.gate, log),
    ],
  });
  // The adapter is for RPC paths: any other request goes straight to where the adapter's fallback
  // would send it. An RPC's response is marked as one, so presque's response classes correct
  // what the adapter writes (server/rpc-answer.ts: decode errors, bodiless 405/415).
  const serve: typeof handler = (req, res) => {
    if (!procedures.has(pathOf(req.url))) return serveRest(req, res);
    (res as PresqueResponse | PresqueHttp2Response).rpcKind = rpcKindOf(req.headers["content-type"]);
    handler(req, res);
  };
  const handle = observeRequests(withCors(serve, deps.origins), {
    log,
    metrics: monitoring.metrics,
    logRequests: deps.logRequests,
    routeLabel: createRouteLabeler(rest.patternOf, procedures),
  });
  return { handle, routes, procedures: [...procedures] };
}
