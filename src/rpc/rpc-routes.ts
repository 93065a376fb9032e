import type { ConnectRouter } from "@connectrpc/connect";
import { ControlService } from "../../gen/presque/v1/control_service_pb.ts";
import { QueueService } from "../../gen/presque/v1/queue_service_pb.ts";
import { StatsService } from "../../gen/presque/v1/stats_service_pb.ts";
import { createControlService } from "./control-service.ts";
import { createQueueService, type QueueServiceDeps } from "./queue-service.ts";
import { createStatsService } from "./stats-service.ts";

/** Every RPC service presque serves (what is served; server/ decides how). */
export function rpcRoutes(deps: QueueServiceDeps) {
  return (router: ConnectRouter) => {
    router.service(QueueService, createQueueService(deps));
    router.service(ControlService, createControlService(deps));
    router.service(StatsService, createStatsService(deps));
  };
}
