import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Limits } from "../config/config.ts";
import type { Engine } from "../engine/create-engine.ts";
import type { Logger } from "../log.ts";
import type { Response } from "../rest/http-io.ts";
import { createRestRoutes } from "../rest/rest-routes.ts";
import { createErrorInterceptor } from "../rpc/error-interceptor.ts";
import { rpcRoutes } from "../rpc/rpc-routes.ts";

export interface HandlerDeps {
  engine: Engine;
  limits: Limits;
  defaultLeaseMs: number;
  log: Logger;
  /** Aborting it ends long polls and streams (clients see "unavailable"). */
  shutdownSignal: AbortSignal;
}

/**
 * One Node request handler for everything: Connect, gRPC and gRPC-Web on the RPC paths, and
 * the REST routes and pages as the adapter's fallback for every other path.
 */
export function buildHandler(deps: HandlerDeps) {
  const { engine, limits, log, shutdownSignal, defaultLeaseMs } = deps;
  const rest = createRestRoutes(
    {
      engine,
      maxBodyBytes: limits.maxBodyBytes,
      maxBatchSize: limits.maxBatchSize,
      defaultLeaseMs,
      shutdownSignal,
    },
    (error, req) => log.error("unexpected error", { error, method: req.method, url: req.url }),
  );
  return connectNodeAdapter({
    routes: rpcRoutes({ engine, defaultLeaseMs, shutdownSignal }),
    // Node's two response classes differ only in overloads the REST layer does not use.
    fallback: (req, res) => rest.handle(req, res as unknown as Response),
    readMaxBytes: limits.maxBodyBytes,
    // A typo in a field name should be an error, not a silently ignored option.
    jsonOptions: { ignoreUnknownFields: false },
    shutdownSignal,
    interceptors: [
      createErrorInterceptor((error, procedure) => log.error("unexpected error", { error, procedure })),
    ],
  });
}
