import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  AckResult,
  type ConsumerService,
  type JobRef,
  type SubscribeResponse,
} from "../../gen/presque/v1/consumer_service_pb.ts";
import type { Job } from "../../gen/presque/v1/job_pb.ts";
import type { BatchedSubscriptionEvent, SubscriptionEvent } from "../engine/consumers/subscription-loop.ts";
import type { RunningJob } from "../engine/consumers/worker-registry.ts";
import type { Engine } from "../engine/engine.ts";
import type { AckOutcome, JobView } from "../engine/model/job.ts";
import type { Consumers } from "../engine/open-engine.ts";
import { grantKey } from "./auth-interceptor.ts";
import { toJobMessage, toJsonOnlyJobMessage } from "./job-message.ts";
import { mapStream } from "./map-stream.ts";

export interface ConsumerServiceDeps {
  engine: Engine;
  consumers: Consumers;
  shutdownSignal: AbortSignal;
}

const defaultWorkerHeartbeatSeconds = 5;

const ackResults: Record<AckOutcome["status"], AckResult> = {
  acked: AckResult.ACKED,
  not_found: AckResult.NOT_FOUND,
  stale_lease: AckResult.STALE_LEASE,
};

/** presque.v1.ConsumerService: the subscription stream and the worker registry, translation only. */
export function createConsumerService({
  engine,
  consumers,
  shutdownSignal,
}: ConsumerServiceDeps): ServiceImpl<typeof ConsumerService> {
  const { subscriptions, workers } = consumers;
  return {
    subscribe(req, ctx) {
      const options = {
        queues: req.queues,
        prefetch: req.prefetch || 1,
        leaseMs: req.leaseSeconds ? req.leaseSeconds * 1000 : ("default" as const),
        heartbeatMs: req.heartbeatSeconds ? req.heartbeatSeconds * 1000 : undefined,
        // ctx.signal aborts on client cancel, deadline and shutdown alike; the subscription then
        // throws its reason, so shutdown reaches the client as UNAVAILABLE, not a clean end.
        signal: ctx.signal,
        shutdownSignal,
      };
      const toJob = req.payloadJsonOnly ? toJsonOnlyJobMessage : toJobMessage;
      const toResponse = (event: SubscriptionEvent | BatchedSubscriptionEvent) =>
        toSubscribeResponse(event, toJob);
      // Errors go out as thrown: the error interceptor maps (and logs) them, mid-stream too.
      return req.maxJobsPerEvent > 1
        ? mapStream(
            subscriptions.subscribeInBatches({ ...options, maxJobsPerEvent: req.maxJobsPerEvent }),
            toResponse,
          )
        : mapStream(subscriptions.subscribe(options), toResponse);
    },

    async ackBatch(req) {
      const outcomes = await engine.jobs.ackMany(req.items);
      return { results: outcomes.map((outcome) => ackResults[outcome.status]) };
    },

    async registerWorker(req) {
      const workerId = await workers.register({
        name: req.name,
        queues: req.queues,
        host: req.host,
        pid: req.pid,
        concurrency: req.concurrency,
        heartbeatMs: (req.heartbeatSeconds || defaultWorkerHeartbeatSeconds) * 1000,
      });
      return { workerId };
    },

    async heartbeat(req) {
      await workers.heartbeat(req.workerId, {
        workingOn: req.workingOn.map(fromJobRef),
        processed: Number(req.processed),
        failed: Number(req.failed),
      });
      return {};
    },

    async unregisterWorker(req) {
      await workers.unregister(req.workerId);
      return {};
    },

    async listWorkers(_req, ctx) {
      const grant = ctx.values.get(grantKey);
      const list = (await workers.list()).filter((worker) => worker.queues.some((q) => grant.can("read", q)));
      return {
        workers: list.map((worker) => ({
          workerId: worker.workerId,
          name: worker.name,
          queues: worker.queues,
          host: worker.host,
          pid: worker.pid,
          concurrency: worker.concurrency,
          registeredAt: timestampFromMs(worker.registeredAt),
          lastHeartbeatAt: timestampFromMs(worker.lastHeartbeatAt),
          alive: worker.alive,
          workingOn: worker.workingOn.map((ref) => ({
            queue: ref.queue,
            id: ref.id,
            startedAt: timestampFromMs(ref.startedAt),
          })),
          processed: BigInt(worker.processed),
          failed: BigInt(worker.failed),
        })),
      };
    },
  };
}

/** A message literal: connect-es then uses it as is instead of create()-ing it from an init shape. */
function toSubscribeResponse(
  event: SubscriptionEvent | BatchedSubscriptionEvent,
  toJob: (job: JobView) => Job,
): SubscribeResponse {
  const $typeName = "presque.v1.SubscribeResponse";
  switch (event.type) {
    case "subscribed":
      return {
        $typeName,
        event: {
          case: "subscribed",
          value: {
            $typeName: "presque.v1.SubscribeResponse.Subscribed",
            subscriptionId: event.subscriptionId,
            prefetch: event.prefetch,
            leaseSeconds: event.leaseMs === "default" ? 0 : Math.ceil(event.leaseMs / 1000),
            heartbeatSeconds: Math.round(event.heartbeatMs / 1000),
          },
        },
      };
    case "job":
      return { $typeName, event: { case: "job", value: toJob(event.job) } };
    case "jobs":
      return {
        $typeName,
        event: {
          case: "jobs",
          value: { $typeName: "presque.v1.SubscribeResponse.JobBatch", jobs: event.jobs.map(toJob) },
        },
      };
    case "heartbeat":
      return {
        $typeName,
        event: { case: "heartbeat", value: { $typeName: "presque.v1.SubscribeResponse.Heartbeat" } },
      };
  }
}

const fromJobRef = (ref: JobRef): RunningJob => ({
  queue: ref.queue,
  id: ref.id,
  startedAt: ref.startedAt ? timestampMs(ref.startedAt) : 0,
});
