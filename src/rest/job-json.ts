import type { JobView } from "../engine/model/job.ts";

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** A job with its envelope; the payload is spliced in as stored, not re-encoded. */
export function jobEnvelopeJson(job: JobView): string {
  const envelope = JSON.stringify({
    id: job.id,
    queue: job.queue,
    state: job.state,
    attempt: job.attempt,
    deliveries: job.deliveries,
    max_attempts: job.maxAttempts,
    priority: job.priority,
    enqueued_at: iso(job.enqueuedAt),
    due_at: iso(job.dueAt),
    expires_at: iso(job.expiresAt),
    lease_token: job.leaseToken,
    lease_deadline: iso(job.leaseDeadline),
    unique_key: job.unique,
    traceparent: job.traceparent,
    last_error: job.errors.at(-1)?.message,
    errors: job.errors.map((error) => ({
      attempt: error.attempt,
      message: error.message,
      at: iso(error.at),
    })),
    dead_reason: job.deadReason,
    died_at: iso(job.diedAt),
    finished_at: iso(job.finishedAt),
  });
  return `${envelope.slice(0, -1)},"payload":${job.payload}}`;
}

/** The envelope of a fetched job as headers, so the body can stay the payload, byte for byte. */
export function jobHeaders(job: JobView): Record<string, string> {
  const headers: Record<string, string> = {
    "x-presque-job-id": job.id,
    "x-presque-queue": job.queue,
    "x-presque-attempt": String(job.attempt),
    "x-presque-deliveries": String(job.deliveries),
    "x-presque-max-attempts": String(job.maxAttempts),
    "x-presque-enqueued-at": iso(job.enqueuedAt) as string,
  };
  if (job.traceparent !== undefined) headers.traceparent = job.traceparent;
  if (job.leaseToken !== undefined) {
    headers["x-presque-lease-token"] = job.leaseToken;
    headers["x-presque-lease-deadline"] = iso(job.leaseDeadline) as string;
    headers.location = jobPath(job.queue, job.id);
  }
  return headers;
}

export const jobPath = (queue: string, id: string) => `/q/${encodeURIComponent(queue)}/${id}`;
