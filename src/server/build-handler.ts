import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Limits } from "../config/config.ts";
import type { OpenEngine } from "../engine/open-engine.ts";
import type { Logger } from "../log.ts";
import type { Monitoring } from "../metrics/monitoring.ts";
import { observeRequests } from "../metrics/request-observer.ts";
import type { Response } from "../rest/http-io.ts";
import { registerOperatorRoutes } from "../rest/operator-routes.ts";
import { createRestRoutes } from "../rest/rest-routes.ts";
import { registerStreamRoutes } from "../rest/stream-routes.ts";
import { registerWorkerRoutes } from "../rest/worker-routes.ts";
import { createErrorInterceptor } from "../rpc/error-interceptor.ts";
import { rpcRoutes } from "../rpc/rpc-routes.ts";
import { answerUnknownProcedure, withFrameworkErrorBodies } from "./framework-errors.ts";

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
}

/**
 * One Node request handler for everything: Connect, gRPC and gRPC-Web on the RPC paths, and
 * the REST routes and pages as the adapter's fallback for every other path.
 */
export function buildHandler(deps: HandlerDeps) {
  const { limits, log, shutdownSignal, monitoring } = deps;
  const { engine } = deps.opened;
  const consumers = { subscriptions: deps.opened.subscriptions, workers: deps.opened.workers };
  const restDeps = {
    engine,
    maxBodyBytes: limits.maxBodyBytes,
    maxBatchSize: limits.maxBatchSize,
    shutdownSignal,
  };
  const consumerRestDeps = { ...restDeps, consumers };
  const rest = createRestRoutes(
    restDeps,
    (error, req) => log.error("unexpected error", { error, method: req.method, url: req.url }),
    [
      (router) => registerOperatorRoutes(router, monitoring),
      // Before the queue routes: GET /q/:queue/stream must win over GET /q/:queue/:id.
      (router) => registerStreamRoutes(router, consumerRestDeps),
      (router) => registerWorkerRoutes(router, consumerRestDeps),
    ],
  );
  const handler = connectNodeAdapter({
    routes: rpcRoutes({ engine, shutdownSignal, consumers, ...monitoring }),
    // Node's two response classes differ only in overloads the REST layer does not use.
    fallback: (req, res) => answerUnknownProcedure(req, res) || rest.handle(req, res as unknown as Response),
    readMaxBytes: limits.maxBodyBytes,
    // A typo in a field name should be an error, not a silently ignored option.
    jsonOptions: { ignoreUnknownFields: false },
    shutdownSignal,
    interceptors: [
      createErrorInterceptor((error, procedure) => log.error("unexpected error", { error, procedure })),
    ],
  });
  return observeRequests(withFrameworkErrorBodies(handler), {
    log,
    metrics: monitoring.metrics,
    logRequests: deps.logRequests,
  });
}
