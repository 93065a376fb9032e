import { toJson } from "@bufbuild/protobuf";
import { timestampMs, ValueSchema } from "@bufbuild/protobuf/wkt";
import { AckResult } from "../../gen/presque/v1/consumer_service_pb.ts";
import type { Job } from "../../gen/presque/v1/job_pb.ts";
import type { Logger } from "../log.ts";
import type { AckReply, LeaseRef } from "./ack-batcher.ts";
import type { PresqueClient } from "./client.ts";
import { withConnectionRetry } from "./connection-retry.ts";
import type { WorkerJob, WorkerOptions } from "./worker-options.ts";

export interface RunJobDeps<Payload> {
  client: PresqueClient;
  options: WorkerOptions<Payload>;
  leaseSeconds: number;
  /** Resends of a nack or extension whose connection broke (see connection-retry.ts). */
  connectionRetries: number;
  ack: (ref: LeaseRef) => Promise<AckReply>;
  log: Logger;
}

type ReviverParam = Parameters<typeof JSON.parse>[1];

/** The longest error text sent with a nack: the end of a message is usually the useful part. */
const maxErrorLength = 4000;

/**
 * Runs one job to its end: work, then ack; or fail, then nack with the error. The lease is
 * extended at a third of its length while work runs, so long jobs keep it.
 * Resolves with true when work succeeded (even if the ack then came too late).
 */
export async function runJob<Payload>(
  deps: RunJobDeps<Payload>,
  job: Job,
  abort: AbortController,
): Promise<boolean> {
  const { client, options, leaseSeconds, connectionRetries, log } = deps;
  const retrying = <T>(call: () => Promise<T>) => withConnectionRetry(connectionRetries, call);
  const ref = { queue: job.queue, id: job.id, leaseToken: job.leaseToken };
  const workerJob: WorkerJob<Payload> = {
    id: job.id,
    queue: job.queue,
    payload: undefined as Payload,
    payloadText: job.payloadJson || JSON.stringify(job.payload ? toJson(ValueSchema, job.payload) : null),
    attempt: job.attempt,
    deliveries: job.deliveries,
    enqueuedAt: new Date(job.enqueuedAt ? timestampMs(job.enqueuedAt) : 0),
    traceparent: job.traceparent || undefined,
    signal: abort.signal,
  };
  const extender = setInterval(
    () => {
      retrying(() => client.queue.extendLease({ ...ref, leaseSeconds })).catch((error: unknown) => {
        log.warn("lost the lease of a running job; it may run twice", {
          queue: job.queue,
          id: job.id,
          error,
        });
        abort.abort(new Error("lease lost"));
        clearInterval(extender);
      });
    },
    (leaseSeconds * 1000) / 3,
  );

  try {
    // Parsed here, so a reviver that throws fails the job like work would.
    workerJob.payload = JSON.parse(workerJob.payloadText, options.reviver as ReviverParam) as Payload;
    await options.work(workerJob);
  } catch (error) {
    clearInterval(extender);
    const message = error instanceof Error ? error.message : String(error);
    log.warn("job failed", { queue: job.queue, id: job.id, attempt: job.attempt, error: message });
    try {
      await options.fail?.(workerJob, error);
    } catch (hookError) {
      log.error("fail hook threw", { queue: job.queue, id: job.id, error: hookError });
    }
    // A nack names its lease token too: a resend of one that reached presque is refused, not applied twice.
    await retrying(() => client.queue.nack({ ...ref, error: message.slice(-maxErrorLength) })).catch(
      (nackError: unknown) => log.warn("nack failed", { queue: job.queue, id: job.id, error: nackError }),
    );
    return false;
  } finally {
    clearInterval(extender);
  }
  const { result, retried } = await deps.ack(ref).catch((error: unknown): AckReply => {
    log.warn("ack failed", { queue: job.queue, id: job.id, error });
    return { result: AckResult.UNSPECIFIED, retried: false };
  });
  if (retried && result !== AckResult.ACKED) {
    // Acks are idempotent per lease token: after a broken connection, not_found or stale most
    // likely means the first try went through, so the job counts as settled, not as lost.
    log.info("ack resent after a broken connection; presque had already settled the job", {
      queue: job.queue,
      id: job.id,
    });
  } else if (result !== AckResult.ACKED && result !== AckResult.UNSPECIFIED) {
    log.warn("ack refused: the lease was lost, so the job may run twice", {
      queue: job.queue,
      id: job.id,
      result: result === AckResult.STALE_LEASE ? "stale_lease" : "not_found",
    });
  }
  return true;
}
