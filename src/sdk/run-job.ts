import { toJson } from "@bufbuild/protobuf";
import { timestampMs, ValueSchema } from "@bufbuild/protobuf/wkt";
import { AckResult } from "../../gen/presque/v1/consumer_service_pb.ts";
import type { Job } from "../../gen/presque/v1/job_pb.ts";
import type { Logger } from "../log.ts";
import type { AckReply, LeaseRef } from "./ack-batcher.ts";
import type { PresqueClient } from "./client.ts";
import { withConnectionRetry } from "./connection-retry.ts";
import type { JobSignal } from "./job-signal.ts";
import type { WorkerJob, WorkerOptions } from "./worker-options.ts";

/** What every job of a worker shares: built once per worker, not per job. */
export interface RunJobDeps<Payload> {
  client: PresqueClient;
  options: WorkerOptions<Payload>;
  /** Resends of a nack whose connection broke (see connection-retry.ts). */
  connectionRetries: number;
  ack: (ref: LeaseRef) => Promise<AckReply>;
  log: Logger;
}

type ReviverParam = Parameters<typeof JSON.parse>[1];

/** The longest error text sent with a nack: the end of a message is usually the useful part. */
const maxErrorLength = 4000;

/** The job as work sees it. Its signal is made when first read (see JobSignal). */
function workerJobOf<Payload>(job: Job, abort: JobSignal): WorkerJob<Payload> {
  return {
    id: job.id,
    queue: job.queue,
    payload: undefined as Payload,
    payloadText: job.payloadJson || JSON.stringify(job.payload ? toJson(ValueSchema, job.payload) : null),
    attempt: job.attempt,
    deliveries: job.deliveries,
    enqueuedAt: new Date(job.enqueuedAt ? timestampMs(job.enqueuedAt) : 0),
    traceparent: job.traceparent || undefined,
    get signal() {
      return abort.signal;
    },
  };
}

/**
 * Runs one job to its end: work, then ack; or fail, then nack with the error. The lease is kept
 * by the worker's one lease keeper meanwhile (lease-keeper.ts), not by a timer of the job's own.
 * Resolves with true when work succeeded (even if the ack then came too late); never rejects.
 */
export async function runJob<Payload>(
  deps: RunJobDeps<Payload>,
  job: Job,
  ref: LeaseRef,
  abort: JobSignal,
): Promise<boolean> {
  const { options } = deps;
  const workerJob = workerJobOf<Payload>(job, abort);
  try {
    // Parsed here, so a reviver that throws fails the job like work would.
    workerJob.payload = JSON.parse(workerJob.payloadText, options.reviver as ReviverParam) as Payload;
    await options.work(workerJob);
  } catch (error) {
    await failed(deps, workerJob, ref, error);
    return false;
  }
  const { result, retried } = await deps.ack(ref).catch((error: unknown): AckReply => {
    deps.log.warn("ack failed", { queue: job.queue, id: job.id, error });
    return { result: AckResult.UNSPECIFIED, retried: false };
  });
  if (result !== AckResult.ACKED) reportRefusedAck(deps.log, job, result, retried);
  return true;
}

async function failed<Payload>(
  deps: RunJobDeps<Payload>,
  job: WorkerJob<Payload>,
  ref: LeaseRef,
  error: unknown,
): Promise<void> {
  const { client, options, log } = deps;
  const message = error instanceof Error ? error.message : String(error);
  log.warn("job failed", { queue: job.queue, id: job.id, attempt: job.attempt, error: message });
  try {
    await options.fail?.(job, error);
  } catch (hookError) {
    log.error("fail hook threw", { queue: job.queue, id: job.id, error: hookError });
  }
  // A nack names its lease token too: a resend of one that reached presque is refused, not applied twice.
  await withConnectionRetry(deps.connectionRetries, () =>
    client.queue.nack({ ...ref, error: message.slice(-maxErrorLength) }),
  ).catch((nackError: unknown) =>
    log.warn("nack failed", { queue: job.queue, id: job.id, error: nackError }),
  );
}

function reportRefusedAck(log: Logger, job: Job, result: AckResult, retried: boolean): void {
  if (retried) {
    // Acks are idempotent per lease token: after a broken connection, not_found or stale most
    // likely means the first try went through, so the job counts as settled, not as lost.
    log.info("ack resent after a broken connection; presque had already settled the job", {
      queue: job.queue,
      id: job.id,
    });
  } else if (result !== AckResult.UNSPECIFIED) {
    log.warn("ack refused: the lease was lost, so the job may run twice", {
      queue: job.queue,
      id: job.id,
      result: result === AckResult.STALE_LEASE ? "stale_lease" : "not_found",
    });
  }
}
