import { setTimeout as sleep } from "node:timers/promises";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { Health, HealthCheckResponse_ServingStatus as Status } from "../../gen/grpc/health/v1/health_pb.ts";
import type { Readiness } from "./readiness.ts";

export interface HealthServiceDeps {
  readiness: Readiness;
  /** Fully-qualified names of the services served (e.g. "presque.v1.QueueService"); "" is implied. */
  services: string[];
  /** How often Watch re-checks readiness. */
  watchIntervalMs?: number;
}

/**
 * grpc.health.v1.Health: every presque service is as healthy as the server, which is ready when
 * Redis is (see readiness.ts). Standard probes (grpc_health_probe, Kubernetes grpc probes) work.
 */
export function createHealthService(deps: HealthServiceDeps): ServiceImpl<typeof Health> {
  const known = new Set(["", Health.typeName, ...deps.services]);
  const statusNow = async () => ((await deps.readiness()).ready ? Status.SERVING : Status.NOT_SERVING);
  return {
    async check(req) {
      if (!known.has(req.service)) throw new ConnectError(`unknown service ${req.service}`, Code.NotFound);
      return { status: await statusNow() };
    },

    async *watch(req, ctx) {
      // The spec: an unknown service is not an error for Watch, it is reported and watched.
      let last: Status | undefined;
      while (!ctx.signal.aborted) {
        const status = known.has(req.service) ? await statusNow() : Status.SERVICE_UNKNOWN;
        if (status !== last) {
          last = status;
          yield { status };
        }
        await sleep(deps.watchIntervalMs ?? 5000, undefined, { signal: ctx.signal }).catch(() => {});
      }
      ctx.signal.throwIfAborted();
    },
  };
}
