import { create, fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import {
  type Timestamp,
  timestampFromMs,
  timestampMs,
  type Value,
  ValueSchema,
} from "@bufbuild/protobuf/wkt";
import { type Job, JobSchema, JobState } from "../../gen/presque/v1/job_pb.ts";
import type { JobView } from "../engine/model/job.ts";
import { invalidArgument } from "../errors/presque-error.ts";

const states: Record<JobView["state"], JobState> = {
  ready: JobState.READY,
  delayed: JobState.DELAYED,
  leased: JobState.LEASED,
  dead: JobState.DEAD,
  done: JobState.DONE,
};

const time = (ms: number | undefined) => (ms === undefined ? undefined : timestampFromMs(ms));

/** The RPC view of a job: the stored JSON text decoded into a google.protobuf.Value. */
export function toJobMessage(job: JobView): Job {
  return create(JobSchema, {
    id: job.id,
    queue: job.queue,
    payload: fromJson(ValueSchema, JSON.parse(job.payload) as JsonValue),
    attempt: job.attempt,
    deliveries: job.deliveries,
    maxAttempts: job.maxAttempts,
    enqueuedAt: timestampFromMs(job.enqueuedAt),
    leaseToken: job.leaseToken ?? "",
    leaseDeadline: time(job.leaseDeadline),
    priority: job.priority,
    state: states[job.state],
    errors: job.errors.map((error) => ({
      attempt: error.attempt,
      message: error.message,
      at: timestampFromMs(error.at),
    })),
    dueAt: time(job.dueAt),
    expiresAt: time(job.expiresAt),
    uniqueKey: job.unique ?? "",
    traceparent: job.traceparent ?? "",
    deadReason: job.deadReason ?? "",
    diedAt: time(job.diedAt),
    finishedAt: time(job.finishedAt),
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

/** An optional Timestamp as ms since the epoch. */
export const optionalMs = (timestamp: Timestamp | undefined) =>
  timestamp === undefined ? undefined : Number(timestampMs(timestamp));

/** Empty strings are proto3's "not set". */
export const optionalText = (text: string) => (text === "" ? undefined : text);
