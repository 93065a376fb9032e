/** A job as the engine reports it. Times are milliseconds since the epoch, from the Redis clock. */
export interface JobView {
  id: string;
  queue: string;
  /** The JSON text exactly as it was enqueued. */
  payload: string;
  /** Deliveries so far; this one included when the view comes from a fetch. */
  attempt: number;
  enqueuedAt: number;
  priority: number;
  state: "ready" | "delayed" | "leased";
  /** Present while the job is leased. */
  leaseToken?: string;
  leaseDeadline?: number;
  /** The error text of the last nack, if any. */
  lastError?: string;
}

export interface EnqueueOptions {
  /** -1000..1000, higher first; default 0. */
  priority?: number;
  /** Hold the jobs back this long before they become ready. */
  delayMs?: number;
  /** presque's PUT /q/: a worker re-queues a job that failed; counts a failure. */
  requeue?: boolean;
}

export interface FetchOptions {
  /** At most this many jobs; default 1. */
  count?: number;
  /** Lease length; 0 removes the jobs as they are fetched (at-most-once). */
  leaseMs: number;
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

export interface NackOptions {
  delayMs?: number;
  error?: string;
}

export interface QueueInfo {
  queue: string;
  ready: number;
  delayed: number;
  inFlight: number;
  stopped: boolean;
  enqueued: number;
  processed: number;
  failed: number;
  expiredLeases: number;
}
