import type { Job } from "../../gen/presque/v1/job_pb.ts";
import type { Ackable, LeaseRef } from "./ack-batcher.ts";
import { JobSignal } from "./job-signal.ts";
import type { KeptLease } from "./lease-keeper.ts";

/**
 * One delivered job from its arrival to its settlement, the only record the Worker makes per job:
 * its lease (kept by the lease keeper from arrival, so a job waiting for a slot stays leased),
 * its place (waiting for a slot, running, or its ack or nack not answered yet) and its signal.
 */
export class HeldJob implements KeptLease, Ackable {
  readonly job: Job;
  readonly ref: LeaseRef;
  /** When the lease ends on the local clock (lease-clock.ts); moved on by each extension. */
  endsAt: number;
  state: "waiting" | "running" | "settling" = "waiting";
  /** Date.now() when its work started. */
  startedAt = 0;
  /** Its lease could not be extended while it waited: presque delivers it again, so it must not start. */
  lost = false;
  #signal: JobSignal | undefined;

  constructor(job: Job, endsAt: number) {
    this.job = job;
    this.ref = { queue: job.queue, id: job.id, leaseToken: job.leaseToken };
    this.endsAt = endsAt;
  }

  /** The signal work sees, made when first read (see JobSignal). */
  get signal(): AbortSignal {
    this.#signal ??= new JobSignal();
    return this.#signal.signal;
  }

  abort(reason: unknown): void {
    this.#signal ??= new JobSignal();
    this.#signal.abort(reason);
  }
}
