import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type {
  EnqueueResponse,
  EnqueueOptions as ProtoEnqueueOptions,
  QueueService,
} from "../../gen/presque/v1/queue_service_pb.ts";
import type { Engine } from "../engine/engine.ts";
import type { EnqueueOptions } from "../engine/model/job.ts";
import { invalidArgument } from "../errors/presque-error.ts";
import {
  jsonPayloadText,
  optionalMs,
  optionalText,
  requestPayloadText,
  toJobMessage,
  toJsonOnlyJobMessage,
} from "./job-message.ts";

export interface QueueServiceDeps {
  engine: Engine;
  /** Aborted at shutdown, so long polls end at once. */
  shutdownSignal: AbortSignal;
}

const secondsToMs = (seconds: number | undefined) => Math.round((seconds ?? 0) * 1000);

function enqueueOptions(options: ProtoEnqueueOptions | undefined, requeue = false): EnqueueOptions {
  return {
    requeue,
    priority: options?.priority,
    delayMs: secondsToMs(options?.delaySeconds),
    runAtMs: optionalMs(options?.runAt),
    maxAttempts: options?.maxAttempts || undefined,
    expiresAtMs: optionalMs(options?.expiresAt),
    unique: optionalText(options?.uniqueKey ?? ""),
    idempotencyKey: optionalText(options?.idempotencyKey ?? ""),
    traceparent: optionalText(options?.traceparent ?? ""),
  };
}

/** presque.v1.QueueService on the engine: translation only, no queue logic. */
export function createQueueService({
  engine,
  shutdownSignal,
}: QueueServiceDeps): ServiceImpl<typeof QueueService> {
  return {
    async enqueue(req) {
      const payload = requestPayloadText(engine.validate, req.payload, req.payloadJson);
      const result = await engine.jobs.enqueue(
        req.queue,
        [payload],
        enqueueOptions(req.options, req.requeue),
      );
      // A message literal: connect-es would otherwise create() one from a partial, by reflection.
      const answer: EnqueueResponse = {
        $typeName: "presque.v1.EnqueueResponse",
        id: result.ids[0] as string,
        duplicate: result.duplicate,
      };
      return answer;
    },

    async enqueueBatch(req) {
      if (req.payloads.length > 0 && req.payloadsJson.length > 0) {
        throw invalidArgument("set payloads or payloads_json, not both");
      }
      const payloads =
        req.payloadsJson.length > 0
          ? req.payloadsJson.map((json, i) => jsonPayloadText(engine.validate, json, `payloads_json[${i}]`))
          : req.payloads.map((payload, i) =>
              requestPayloadText(engine.validate, payload, "", `payloads[${i}]`),
            );
      return engine.jobs.enqueue(req.queue, payloads, enqueueOptions(req.options));
    },

    async fetch(req, ctx) {
      const result = await engine.jobs.fetch(req.queue, {
        count: req.maxJobs || 1,
        leaseMs: req.autoAck ? 0 : secondsToMs(req.leaseSeconds) || "default",
        waitMs: secondsToMs(req.waitSeconds),
        signal: AbortSignal.any([ctx.signal, shutdownSignal]),
      });
      const toJob = req.payloadJsonOnly ? toJsonOnlyJobMessage : toJobMessage;
      return { jobs: result.jobs.map(toJob), stopped: result.stopped };
    },

    async ack(req) {
      await engine.jobs.ack(req.queue, req.id, req.leaseToken);
      return {};
    },

    async nack(req) {
      const result = await engine.jobs.nack(req.queue, req.id, req.leaseToken, {
        error: req.error,
        delayMs: req.delaySeconds === undefined ? undefined : secondsToMs(req.delaySeconds),
        retryable: req.retryable,
      });
      return result.outcome === "dead"
        ? { dead: true, deadReason: result.reason }
        : { dead: false, retryAt: timestampFromMs(result.dueAt) };
    },

    async extendLease(req) {
      const leaseMs = secondsToMs(req.leaseSeconds) || "default";
      return { job: toJobMessage(await engine.jobs.extendLease(req.queue, req.id, req.leaseToken, leaseMs)) };
    },

    async promoteJob(req) {
      await engine.jobs.promote(req.queue, req.id);
      return { job: toJobMessage(await engine.jobs.getJob(req.queue, req.id)) };
    },

    async getJob(req) {
      return { job: toJobMessage(await engine.jobs.getJob(req.queue, req.id)) };
    },
  };
}
