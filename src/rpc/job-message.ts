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
import { parseJsonText } from "../engine/model/json-text.ts";
import { jsonDepthExceeds } from "../engine/model/validate.ts";
import { invalidArgument } from "../errors/presque-error.ts";

const states: Record<JobView["state"], JobState> = {
  ready: JobState.READY,
  delayed: JobState.DELAYED,
  leased: JobState.LEASED,
  dead: JobState.DEAD,
  done: JobState.DONE,
};

const time = (ms: number | undefined) => (ms === undefined ? undefined : timestampFromMs(ms));

/**
 * Protobuf decoders stop at 100 message levels, two per JSON level inside a Job: a Value deeper
 * than this could not be read by every client (Connect binary: 48), so it is left out and only
 * payload_json carries such a job.
 */
const maxValueDepth = 32;

/** The lossy google.protobuf.Value view of a stored JSON text, kept for existing clients. */
export function payloadValue(json: string): Value | undefined {
  if (jsonDepthExceeds(json, maxValueDepth)) return undefined;
  return fromJson(ValueSchema, JSON.parse(json) as JsonValue);
}

/**
 * The RPC view of a job: payload_json is the stored text byte for byte; payload, the same
 * decoded into a google.protobuf.Value (see job.proto).
 */
export function toJobMessage(job: JobView): Job {
  return create(JobSchema, {
    id: job.id,
    queue: job.queue,
    payload: payloadValue(job.payload),
    payloadJson: job.payload,
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

/**
 * The JSON text stored for an RPC payload: a payload_json as given (after the checks of a REST
 * body), else the JSON of the Value. Giving both is refused. The depth check is the caller's
 * (engine.validate.payload).
 */
export function requestPayloadText(
  checkDepth: (json: string, what: string) => string,
  payload: Value | undefined,
  json: string,
  what = "payload",
  whatJson = "payload_json",
): string {
  const hasValue = payload !== undefined && payload.kind.case !== undefined;
  if (json === "") return checkDepth(payloadText(payload, what), what);
  if (hasValue) throw invalidArgument(`set ${what} or ${whatJson}, not both`);
  return jsonPayloadText(checkDepth, json, whatJson);
}

/**
 * A payload given as JSON text, stored byte for byte after the checks of a REST body
 * (src/rest/raw-json.ts parseJsonBody), in RPC words: depth first, so nothing too deep is walked.
 */
export function jsonPayloadText(
  checkDepth: (json: string, what: string) => string,
  json: string,
  what: string,
): string {
  if (json.trim() !== "") checkDepth(json, what); // the configured limit, before anything walks it
  parseJsonText(json, what, Number.POSITIVE_INFINITY);
  return json;
}

/** The JSON text stored for an RPC payload Value. */
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
