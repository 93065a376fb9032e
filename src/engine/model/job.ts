/** A job as the engine reports it. Times are milliseconds since the epoch, from the Redis clock. */
export interface JobView {
  id: string;
  queue: string;
  /** The JSON text exactly as it was enqueued. */
  payload: string;
  /** Deliveries so far; this one included when the view comes from a fetch. */
  attempt: number;
  /**
   * Every hand-out so far (this one included when fetched), never undone: a released lease gives
   * the attempt back but still counts here, so a job that partly ran elsewhere shows it.
   */
  deliveries: number;
  /** Deliveries allowed before the job goes to dead letters. */
  maxAttempts: number;
  enqueuedAt: number;
  priority: number;
  state: JobState;
  /** Present while the job is leased. */
  leaseToken?: string;
  leaseDeadline?: number;
  /** When a delayed job becomes ready. */
  dueAt?: number;
  /** "Must start by": past it, the job is dead instead of delivered. */
  expiresAt?: number;
  /** presque's ?uniq= key. */
  unique?: string;
  /** W3C trace context given at enqueue, handed to the worker. */
  traceparent?: string;
  /** One entry per failed attempt, oldest first (the most recent 50). */
  errors: JobError[];
  /** Why and when the job died (dead letters only). */
  deadReason?: string;
  diedAt?: number;
  /** When it was acked (retained finished jobs only). */
  finishedAt?: number;
}

export type JobState = "ready" | "delayed" | "leased" | "dead" | "done";

export interface JobError {
  attempt: number;
  message: string;
  at: number;
}

export interface EnqueueOptions {
  /** -1000..1000, higher first; default 0. */
  priority?: number;
  /** Hold the jobs back this long before they become ready. */
  delayMs?: number;
  /** Absolute due time (ms since the epoch); wins over delayMs. */
  runAtMs?: number;
  /** Deliveries before dead letters; default: the queue's setting. */
  maxAttempts?: number;
  /** "Must start by" (ms since the epoch). */
  expiresAtMs?: number;
  /** presque's ?uniq=: refused while a job with this key is queued or leased. */
  unique?: string;
  traceparent?: string;
  /** A retried request with the same key within the window returns the first ids, adds nothing. */
  idempotencyKey?: string;
  /** presque's PUT /q/: a worker re-queues a job that failed; counts a failure. */
  requeue?: boolean;
}

export interface EnqueueResult {
  ids: string[];
  /** True when the idempotency key was seen before: these are the first request's ids. */
  duplicate: boolean;
}

export interface FetchOptions {
  /** At most this many jobs; default 1. */
  count?: number;
  /** Lease length; 0 removes the jobs as they are fetched (at-most-once); "default" the queue's. */
  leaseMs: number | "default";
  /** Long poll: wait up to this long for a job when none is ready. */
  waitMs?: number;
  /** Ends the wait early (client gone, server shutting down). */
  signal?: AbortSignal;
}

export interface FetchResult {
  jobs: JobView[];
  /** The queue is stopped: it hands out nothing until started. */
  stopped: boolean;
}

/** A job as its lease holder names it. */
export interface LeaseRef {
  queue: string;
  id: string;
  leaseToken: string;
}

export type AckOutcome = { status: "acked"; latencyMs: number } | { status: "not_found" | "stale_lease" };

export interface NackOptions {
  /** Retry after this long instead of the queue's backoff. */
  delayMs?: number;
  error?: string;
  /** False: straight to dead letters, whatever attempts remain. */
  retryable?: boolean;
}

export type NackResult = { outcome: "retry"; dueAt: number } | { outcome: "dead"; reason: string };

export interface QueueInfo {
  queue: string;
  ready: number;
  delayed: number;
  inFlight: number;
  /** Dead letters kept now. */
  dead: number;
  /** Finished jobs kept by retention. */
  done: number;
  stopped: boolean;
  enqueued: number;
  processed: number;
  failed: number;
  expiredLeases: number;
  /** Jobs that ever went to dead letters. */
  deadTotal: number;
  /** Enqueue time of the job at the head of the ready set, if any. */
  oldestReadyAt?: number;
}
