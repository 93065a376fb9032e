import type { ServiceImpl } from "@connectrpc/connect";
import type { QueueService } from "../../gen/presque/v1/queue_service_pb.ts";
import type { Engine } from "../engine/create-engine.ts";
import { payloadText, toJobMessage } from "./job-message.ts";

export interface QueueServiceDeps {
  engine: Engine;
  defaultLeaseMs: number;
  /** Aborted at shutdown, so long polls end at once. */
  shutdownSignal: AbortSignal;
}

const secondsToMs = (seconds: number | undefined) => Math.round((seconds ?? 0) * 1000);

/** presque.v1.QueueService on the engine: translation only, no queue logic. */
export function createQueueService({
  engine,
  defaultLeaseMs,
  shutdownSignal,
}: QueueServiceDeps): ServiceImpl<typeof QueueService> {
  return {
    async enqueue(req) {
      const [id] = await engine.enqueue(req.queue, [payloadText(req.payload)], {
        priority: req.options?.priority,
        delayMs: secondsToMs(req.options?.delaySeconds),
        requeue: req.requeue,
      });
      return { id };
    },

    async enqueueBatch(req) {
      const payloads = req.payloads.map((payload, i) => payloadText(payload, `payloads[${i}]`));
      const ids = await engine.enqueue(req.queue, payloads, {
        priority: req.options?.priority,
        delayMs: secondsToMs(req.options?.delaySeconds),
      });
      return { ids };
    },

    async fetch(req, ctx) {
      const result = await engine.fetch(req.queue, {
        count: req.maxJobs || 1,
        leaseMs: req.autoAck ? 0 : secondsToMs(req.leaseSeconds) || defaultLeaseMs,
        waitMs: secondsToMs(req.waitSeconds),
        signal: AbortSignal.any([ctx.signal, shutdownSignal]),
      });
      return { jobs: result.jobs.map(toJobMessage), stopped: result.stopped };
    },

    async ack(req) {
      await engine.ack(req.queue, req.id, req.leaseToken);
      return {};
    },

    async nack(req) {
      await engine.nack(req.queue, req.id, req.leaseToken, {
        error: req.error,
        delayMs: secondsToMs(req.delaySeconds),
      });
      return {};
    },

    async extendLease(req) {
      const leaseMs = secondsToMs(req.leaseSeconds) || defaultLeaseMs;
      return { job: toJobMessage(await engine.extendLease(req.queue, req.id, req.leaseToken, leaseMs)) };
    },

    async getJob(req) {
      return { job: toJobMessage(await engine.getJob(req.queue, req.id)) };
    },
  };
}
