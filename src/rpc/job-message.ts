import { type JsonValue, toJson } from "@bufbuild/protobuf";
import { NullValue, type Timestamp, timestampMs, type Value, ValueSchema } from "@bufbuild/protobuf/wkt";
import { type Job, type JobError, JobState } from "../../gen/presque/v1/job_pb.ts";
import type { JobView } from "../engine/model/job.ts";
import { parseJsonText } from "../engine/model/json-text.ts";
import { jsonDepthExceeds, type Validator } from "../engine/model/validate.ts";
import { invalidArgument } from "../errors/presque-error.ts";

const states: Record<JobView["state"], JobState> = {
  ready: JobState.READY,
  delayed: JobState.DELAYED,
  leased: JobState.LEASED,
  dead: JobState.DEAD,
  done: JobState.DONE,
};

/** A Timestamp built as a message literal: create() and timestampFromMs cost more, once per field per job. */
function timestamp(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return {
    $typeName: "google.protobuf.Timestamp",
    seconds: BigInt(seconds),
    nanos: (ms - seconds * 1000) * 1e6,
  };
}

const time = (ms: number | undefined) => (ms === undefined ? undefined : timestamp(ms));

/**
 * Protobuf decoders stop at 100 message levels, two per JSON level inside a Job: a Value deeper
 * than this could not be read by every client (Connect binary: 48), so it is left out and only
 * payload_json carries such a job.
 */
const maxValueDepth = 32;

/** The lossy google.protobuf.Value view of a stored JSON text, kept for existing clients. */
export function payloadValue(json: string): Value | undefined {
  if (jsonDepthExceeds(json, maxValueDepth)) return undefined;
  return jsonToValue(JSON.parse(json) as JsonValue);
}

/**
 * What fromJson(ValueSchema, value) makes, as message literals: fromJson goes through protobuf-es'
 * reflection for every node, for every job handed out. Recursion is bounded by maxValueDepth.
 */
function jsonToValue(json: JsonValue): Value {
  const $typeName = "google.protobuf.Value";
  switch (typeof json) {
    case "number":
      return { $typeName, kind: { case: "numberValue", value: json } };
    case "string":
      return { $typeName, kind: { case: "stringValue", value: json } };
    case "boolean":
      return { $typeName, kind: { case: "boolValue", value: json } };
  }
  if (json === null) return { $typeName, kind: { case: "nullValue", value: NullValue.NULL_VALUE } };
  if (Array.isArray(json)) {
    const values = json.map(jsonToValue);
    return {
      $typeName,
      kind: { case: "listValue", value: { $typeName: "google.protobuf.ListValue", values } },
    };
  }
  const fields: Record<string, Value> = {};
  for (const key of Object.keys(json)) {
    const value = jsonToValue(json[key] as JsonValue);
    // An own "__proto__" key (JSON.parse makes one) must stay a field, not become the prototype.
    if (key === "__proto__") Object.defineProperty(fields, key, { value, enumerable: true, writable: true });
    else fields[key] = value;
  }
  return { $typeName, kind: { case: "structValue", value: { $typeName: "google.protobuf.Struct", fields } } };
}

/**
 * The RPC view of a job: payload_json is the stored text byte for byte; payload, the same
 * decoded into a google.protobuf.Value (see job.proto).
 */
export const toJobMessage = (job: JobView): Job => jobMessage(job, payloadValue(job.payload));

/** The RPC view of a job for a request with payload_json_only: payload left unset, nothing decoded. */
export const toJsonOnlyJobMessage = (job: JobView): Job => jobMessage(job, undefined);

/**
 * Built as a message literal, every field set (the type makes a new field of Job a compile error
 * here), as create() walks every field of its init object for each job.
 */
function jobMessage(job: JobView, payload: Value | undefined): Job {
  return {
    $typeName: "presque.v1.Job",
    id: job.id,
    queue: job.queue,
    payload,
    payloadJson: job.payload,
    attempt: job.attempt,
    deliveries: job.deliveries,
    maxAttempts: job.maxAttempts,
    enqueuedAt: timestamp(job.enqueuedAt),
    leaseToken: job.leaseToken ?? "",
    leaseDeadline: time(job.leaseDeadline),
    priority: job.priority,
    state: states[job.state],
    errors: job.errors.length === 0 ? [] : job.errors.map(toJobError),
    dueAt: time(job.dueAt),
    expiresAt: time(job.expiresAt),
    uniqueKey: job.unique ?? "",
    traceparent: job.traceparent ?? "",
    deadReason: job.deadReason ?? "",
    diedAt: time(job.diedAt),
    finishedAt: time(job.finishedAt),
  };
}

const toJobError = (error: JobView["errors"][number]): JobError => ({
  $typeName: "presque.v1.JobError",
  attempt: error.attempt,
  message: error.message,
  at: timestamp(error.at),
});

/** The payload checks of engine.validate: the configured depth limit. */
export type PayloadChecks = Pick<Validator, "payload" | "limits">;

/**
 * The JSON text stored for an RPC payload: a payload_json as given (after the checks of a REST
 * body), else the JSON of the Value. Giving both is refused.
 */
export function requestPayloadText(
  validate: PayloadChecks,
  payload: Value | undefined,
  json: string,
  what = "payload",
  whatJson = "payload_json",
): string {
  const hasValue = payload !== undefined && payload.kind.case !== undefined;
  if (json === "") return validate.payload(payloadText(payload, what), what);
  if (hasValue) throw invalidArgument(`set ${what} or ${whatJson}, not both`);
  return jsonPayloadText(validate, json, whatJson);
}

/**
 * A payload given as JSON text, stored byte for byte after the checks of a REST body
 * (src/rest/raw-json.ts parseJsonBody), in RPC words: the configured depth first, so nothing too
 * deep is walked, in the one scan parseJsonText makes.
 */
export function jsonPayloadText(validate: PayloadChecks, json: string, what: string): string {
  parseJsonText(json, what, validate.limits.maxPayloadDepth);
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
