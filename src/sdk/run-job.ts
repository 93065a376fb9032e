import { toJson } from "@bufbuild/protobuf";
import { timestampMs, ValueSchema } from "@bufbuild/protobuf/wkt";
import { AckResult } from "../../gen/presque/v1/consumer_service_pb.ts";
import type { Job } from "../../gen/presque/v1/job_pb.ts";
import type { Logger } from "../log.ts";
import type { AckReply } from "./ack-batcher.ts";
import type { PresqueClient } from "./client.ts";
import { withConnectionRetry } from "./connection-retry.ts";
import type { HeldJob } from "./held-job.ts";
import type { WorkerJob, WorkerOptions } from "./worker-options.ts";

/** What every job of a worker shares: built once per worker, not per job. */
export interface RunJobDeps<Payload> {
  client: PresqueClient;
  options: WorkerOptions<Payload>;
  /** Resends of a nack whose connection broke (see connection-retry.ts). */
  connectionRetries: number;
  /** Sends the ack with the others of this turn; its answer goes to the worker, not back here. */
  ack: (held: HeldJob) => void;
  /** Told when the job's work is over (true: it succeeded and its ack is on its way): one function per worker. */
  worked: (held: HeldJob, succeeded: boolean) => void;
  log: Logger;
}

type ReviverParam = Parameters<typeof JSON.parse>[1];

/** The longest error text sent with a nack: the end of a message is usually the useful part. */
const maxErrorLength = 4000;

/** The job as work sees it: a class, so its signal getter is shared, not a closure per job. */
class JobForWork<Payload> implements WorkerJob<Payload> {
  readonly id: string;
  readonly queue: string;
  payload = undefined as Payload;
  readonly payloadText: string;
  readonly attempt: number;
  readonly deliveries: number;
  readonly enqueuedAt: Date;
  readonly traceparent: string | undefined;
  readonly #held: HeldJob;

  constructor(held: HeldJob) {
    const { job } = held;
    this.#held = held;
    this.id = job.id;
    this.queue = job.queue;
    this.payloadText = payloadTextOf(job);
    this.attempt = job.attempt;
    this.deliveries = job.deliveries;
    this.enqueuedAt = new Date(job.enqueuedAt ? timestampMs(job.enqueuedAt) : 0);
    this.traceparent = job.traceparent || undefined;
  }

  get signal(): AbortSignal {
    return this.#held.signal;
  }
}

/** payload_json, always set by presque since it has it; the Value's JSON from an older server. */
const payloadTextOf = (job: Job) =>
  job.payloadJson || JSON.stringify(job.payload ? toJson(ValueSchema, job.payload) : null);

/**
 * Runs one job's work: then acks it (the answer goes to the worker), or, when work throws, runs
 * fail and nacks with the error, waiting for the nack's answer. The lease is kept by the worker's
 * one lease keeper meanwhile (lease-keeper.ts), not by a timer of the job's own. Ends by telling
 * `deps.worked` (no continuation made per job); never rejects.
 */
export async function runJob<Payload>(deps: RunJobDeps<Payload>, held: HeldJob): Promise<void> {
  const { options } = deps;
  const workerJob = new JobForWork<Payload>(held);
  try {
    // Parsed here, so a reviver that throws fails the job like work would.
    workerJob.payload = JSON.parse(workerJob.payloadText, options.reviver as ReviverParam) as Payload;
    await options.work(workerJob);
  } catch (error) {
    await failed(deps, workerJob, held, error);
    deps.worked(held, false);
    return;
  }
  deps.ack(held);
  deps.worked(held, true);
}

async function failed<Payload>(
  deps: RunJobDeps<Payload>,
  job: WorkerJob<Payload>,
  held: HeldJob,
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
    client.queue.nack({ ...held.ref, error: message.slice(-maxErrorLength) }),
  ).catch((nackError: unknown) =>
    log.warn("nack failed", { queue: job.queue, id: job.id, error: nackError }),
  );
}

/** Says what a refused or failed ack means for the job; an acked job says nothing. */
export function reportAckAnswer(log: Logger, job: Job, reply: AckReply): void {
  const { result, retried, error } = reply;
  if (result === AckResult.ACKED) return;
  if (error !== undefined) {
    log.warn("ack failed", { queue: job.queue, id: job.id, error });
  } else if (retried) {
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
