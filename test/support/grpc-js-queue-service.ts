import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

/** grpc-js's client class for presque.v1.QueueService, loaded from proto/ as a grpc-js user would. */
export function grpcJsQueueService(): grpc.ServiceClientConstructor {
  const packageDefinition = protoLoader.loadSync(["presque/v1/queue_service.proto"], {
    includeDirs: [join(import.meta.dirname, "..", "..", "proto")],
    defaults: true,
    oneofs: true,
  });
  const { presque: pkg } = grpc.loadPackageDefinition(packageDefinition) as unknown as {
    presque: { v1: { QueueService: grpc.ServiceClientConstructor } };
  };
  return pkg.v1.QueueService;
}
