import type { DescService } from "@bufbuild/protobuf";
import { Health } from "../../gen/grpc/health/v1/health_pb.ts";
import { ConsumerService } from "../../gen/presque/v1/consumer_service_pb.ts";
import { ControlService } from "../../gen/presque/v1/control_service_pb.ts";
import { DeadLetterService } from "../../gen/presque/v1/dead_letter_service_pb.ts";
import { QueueService } from "../../gen/presque/v1/queue_service_pb.ts";
import { ScheduleService } from "../../gen/presque/v1/schedule_service_pb.ts";
import { StatsService } from "../../gen/presque/v1/stats_service_pb.ts";

/** presque's own services and grpc.health.v1, as src/rpc/rpc-routes.ts serves them (reflection aside). */
export const servedServices: readonly DescService[] = [
  QueueService,
  ControlService,
  StatsService,
  DeadLetterService,
  ScheduleService,
  ConsumerService,
  Health,
];
