import {
  anyJson,
  badRequest,
  decimal,
  duration,
  error,
  jobSchema,
  jsonObject,
  leaseToken,
  notFound,
  type OperationDocs,
  timestamp,
  tokenConflict,
} from "./openapi-schema.ts";

const enqueueQuery = {
  priority: { schema: decimal, description: "higher first, -1000..1000 (default 0)" },
  delay: { schema: duration, description: "ready after this long" },
  delayed: { schema: decimal, description: "ready at this epoch second (presque 2010)" },
  run_at: { schema: timestamp, description: "ready at this time (RFC 3339)" },
  expires_at: { schema: timestamp, description: "dead if not started by then (RFC 3339)" },
  uniq: { schema: { type: "string" }, description: "at most one queued or leased job per unique key" },
  max_attempts: { schema: decimal, description: "tries before the job dies (default: the queue's)" },
};
const enqueueHeaders = {
  "idempotency-key": {
    schema: { type: "string" },
    description: "a retried request with the same key adds nothing and answers 200",
  },
  traceparent: { schema: { type: "string" }, description: "W3C trace context, handed to the worker" },
};
const stopped = error("failed_precondition: the queue is stopped");
const tooLarge = error("resource_exhausted: the body is larger than limits.max_body_bytes");
const full = error("resource_exhausted: the queue holds max_length waiting jobs");
const fetchQuery = {
  lease: { schema: duration, description: "lease the job this long (ack it within); none takes it for good" },
  wait: {
    schema: duration,
    description: "long poll: wait this long for a job (at most limits.max_wait_seconds)",
  },
};
const envelope = { description: "the job", json: jobSchema };
const job404 = notFound("no such job in this queue");

/** Jobs: enqueue, fetch, ack, nack, extend (queue-routes, batch-routes, stream-routes, dead letters). */
export const jobOperationDocs: OperationDocs = {
  "POST /q/:queue": {
    tag: "jobs",
    summary: "Enqueue one job (the body is its payload, stored as is)",
    query: enqueueQuery,
    headers: enqueueHeaders,
    body: { description: "the payload: any JSON", json: anyJson, required: true },
    responses: {
      201: { description: "enqueued", json: jobSchema },
      200: { description: "an idempotent replay (Idempotent-Replayed: true)", json: jobSchema },
      400: badRequest,
      413: tooLarge,
      429: full,
    },
  },
  "PUT /q/:queue": {
    tag: "jobs",
    summary: "Enqueue one job, replacing the queued job with the same uniq key",
    query: enqueueQuery,
    headers: enqueueHeaders,
    body: { description: "the payload: any JSON", json: anyJson, required: true },
    responses: {
      201: { description: "enqueued", json: jobSchema },
      200: { description: "an idempotent replay", json: jobSchema },
      400: badRequest,
      413: tooLarge,
      429: full,
    },
  },
  "GET /q/:queue": {
    tag: "jobs",
    summary: "Fetch one job's payload (with ?lease= a lease; headers carry id and token)",
    query: fetchQuery,
    responses: {
      200: { description: "the payload as stored (X-Presque-Job-Id, X-Presque-Lease-Token)", json: anyJson },
      204: { description: "no job ready" },
      400: badRequest,
      409: stopped,
    },
  },
  "DELETE /q/:queue": {
    tag: "jobs",
    summary: "Purge the queue's ready, delayed and leased jobs",
    responses: { 200: { description: "how many were removed", json: jsonObject }, 400: badRequest },
  },
  "GET /q/:queue/:id": {
    tag: "jobs",
    summary: "One job's envelope",
    responses: { 200: envelope, 400: badRequest, 404: job404 },
  },
  "DELETE /q/:queue/:id": {
    tag: "jobs",
    summary: "Ack: the job is done",
    query: { token: { schema: { type: "string" }, description: "the lease token (or the header)" } },
    headers: leaseToken,
    responses: { 204: { description: "acked" }, 400: badRequest, 404: job404, 409: tokenConflict },
  },
  "POST /q/:queue/:id/nack": {
    tag: "jobs",
    summary: "Nack: the try failed; retried after a backoff or dead",
    query: {
      token: { schema: { type: "string" }, description: "the lease token (or the header)" },
      delay: { schema: duration, description: "retry after this long instead of the queue's backoff" },
    },
    headers: leaseToken,
    body: {
      description: "optional {error, retryable}",
      json: { type: "object", properties: { error: { type: "string" }, retryable: { type: "boolean" } } },
    },
    responses: {
      200: { description: "the outcome: retry (when) or dead", json: jsonObject },
      400: badRequest,
      404: job404,
      409: tokenConflict,
    },
  },
  "POST /q/:queue/:id/promote": {
    tag: "jobs",
    summary: "Make a delayed job ready now",
    responses: {
      200: envelope,
      400: badRequest,
      404: job404,
      409: error("failed_precondition: not delayed"),
    },
  },
  "POST /q/:queue/:id/extend": {
    tag: "jobs",
    summary: "Extend a lease",
    query: {
      token: { schema: { type: "string" }, description: "the lease token (or the header)" },
      lease: { schema: duration, description: "the new lease, from now" },
    },
    headers: leaseToken,
    responses: { 200: envelope, 400: badRequest, 404: job404, 409: tokenConflict },
  },
  "POST /qb/:queue": {
    tag: "jobs",
    summary: "Enqueue a batch: {jobs: [payload, ...]}",
    query: enqueueQuery,
    headers: enqueueHeaders,
    body: {
      description: "the payloads",
      json: { type: "object", required: ["jobs"], properties: { jobs: { type: "array", items: anyJson } } },
      required: true,
    },
    responses: {
      201: {
        description: "enqueued",
        json: { type: "object", required: ["queue", "ids"], properties: { ids: { type: "array" } } },
      },
      200: { description: "an idempotent replay", json: jsonObject },
      400: badRequest,
      413: tooLarge,
      429: full,
    },
  },
  "GET /qb/:queue": {
    tag: "jobs",
    summary: "Fetch up to batch_size jobs",
    query: {
      batch_size: { schema: decimal, description: "at most this many (limits.max_batch_size)" },
      ...fetchQuery,
    },
    responses: {
      200: { description: "the jobs", json: { type: "array" } },
      204: { description: "no job ready" },
      400: badRequest,
      409: stopped,
    },
  },
  "GET /q/:queue/stream": {
    tag: "jobs",
    summary: "Server-sent events: jobs as they become ready, each leased",
    query: {
      prefetch: { schema: decimal, description: "leased jobs not yet acked at a time (default 1)" },
      lease: { schema: duration, description: "each job's lease" },
      heartbeat: { schema: duration, description: "a comment line this often" },
    },
    responses: {
      200: { description: "an event stream", content: { type: "text/event-stream", schema: {} } },
      400: badRequest,
    },
  },
  "GET /dead/:queue": {
    tag: "dead letters",
    summary: "A page of dead letters, newest first",
    query: {
      cursor: { schema: { type: "string" }, description: "from the previous page's next_cursor" },
      limit: { schema: decimal, description: "page size" },
    },
    responses: { 200: { description: "a page", json: jsonObject }, 400: badRequest },
  },
  "POST /dead/:queue/redrive": {
    tag: "dead letters",
    summary: "Move dead letters back to ready (all, {ids}, {error_contains}, {to})",
    body: { description: "optional filter", json: jsonObject },
    responses: { 200: { description: "how many moved", json: jsonObject }, 400: badRequest },
  },
  "DELETE /dead/:queue": {
    tag: "dead letters",
    summary: "Delete dead letters (all, {ids} or {error_contains})",
    body: { description: "optional filter", json: jsonObject },
    responses: { 200: { description: "how many were deleted", json: jsonObject }, 400: badRequest },
  },
};
