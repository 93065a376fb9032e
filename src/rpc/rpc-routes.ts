import type { ConnectRouter } from "@connectrpc/connect";
import { Health } from "../../gen/grpc/health/v1/health_pb.ts";
import { ConsumerService } from "../../gen/presque/v1/consumer_service_pb.ts";
import { ControlService } from "../../gen/presque/v1/control_service_pb.ts";
import { DeadLetterService } from "../../gen/presque/v1/dead_letter_service_pb.ts";
import { QueueService } from "../../gen/presque/v1/queue_service_pb.ts";
import { ScheduleService } from "../../gen/presque/v1/schedule_service_pb.ts";
import { StatsService } from "../../gen/presque/v1/stats_service_pb.ts";
import type { StatsReader } from "../engine/views/queue-stats.ts";
import { createHealthService } from "../health/health-service.ts";
import type { Readiness } from "../health/readiness.ts";
import { type ConsumerServiceDeps, createConsumerService } from "./consumer-service.ts";
import { createControlService } from "./control-service.ts";
import { createDeadLetterService } from "./dead-letter-service.ts";
import { createQueueService, type QueueServiceDeps } from "./queue-service.ts";
import { addReflectionService } from "./reflection-service.ts";
import { createScheduleService } from "./schedule-service.ts";
import { createStatsService } from "./stats-service.ts";

/** Every RPC service presque serves (what is served; server/ decides how). */
export function rpcRoutes(
  deps: QueueServiceDeps & ConsumerServiceDeps & { stats: StatsReader; readiness: Readiness },
) {
  return (router: ConnectRouter) => {
    router.service(QueueService, createQueueService(deps));
    router.service(ControlService, createControlService(deps));
    router.service(StatsService, createStatsService(deps));
    router.service(DeadLetterService, createDeadLetterService(deps));
    router.service(ScheduleService, createScheduleService(deps));
    router.service(ConsumerService, createConsumerService(deps));
    // Last, so it can name every service registered above.
    const services = router.handlers.map((handler) => handler.service.typeName);
    router.service(
      Health,
      createHealthService({ readiness: deps.readiness, services: [...new Set(services)] }),
    );
    addReflectionService(router); // grpc.reflection.v1 and v1alpha over every service above
  };
}
