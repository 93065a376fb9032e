import { create, fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { timestampFromMs, type Value, ValueSchema } from "@bufbuild/protobuf/wkt";
import { type Job, JobSchema, JobState } from "../../gen/presque/v1/job_pb.ts";
import type { JobView } from "../engine/types.ts";
import { invalidArgument } from "../errors/presque-error.ts";

const states: Record<JobView["state"], JobState> = {
  ready: JobState.READY,
  delayed: JobState.DELAYED,
  leased: JobState.LEASED,
};

/** The RPC view of a job: the stored JSON text decoded into a google.protobuf.Value. */
export function toJobMessage(job: JobView): Job {
  return create(JobSchema, {
    id: job.id,
    queue: job.queue,
    payload: fromJson(ValueSchema, JSON.parse(job.payload) as JsonValue),
    attempt: job.attempt,
    enqueuedAt: timestampFromMs(job.enqueuedAt),
    leaseToken: job.leaseToken ?? "",
    leaseDeadline: job.leaseDeadline === undefined ? undefined : timestampFromMs(job.leaseDeadline),
    priority: job.priority,
    state: states[job.state],
  });
}

/** The JSON text stored for an RPC payload. */
export function payloadText(payload: Value | undefined, what = "payload"): string {
  if (payload === undefined || payload.kind.case === undefined) throw invalidArgument(`${what} is missing`);
  try {
    return JSON.stringify(toJson(ValueSchema, payload));
  } catch (error) {
    // e.g. NaN or Infinity in a number_value, which binary clients can send and JSON cannot hold
    throw invalidArgument(`${what} is not valid JSON (${(error as Error).message})`);
  }
}
