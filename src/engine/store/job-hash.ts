import type { FetchResult, JobError, JobView } from "../model/job.ts";
import { replyCodes, unexpected } from "./reply-codes.ts";

const fieldsPerJob = 10;

/** Turns fetchJobs' flat reply into job views (see the script header for the layout). */
export function parseFetchReply(queue: string, reply: unknown): FetchResult {
  const flat = reply as (string | number)[];
  if (flat[0] === replyCodes.stopped) return { jobs: [], stopped: true };
  if (flat[0] !== replyCodes.ok) throw unexpected("fetchJobs", flat[0]);
  const jobs: JobView[] = [];
  for (let i = 2; i < flat.length; i += fieldsPerJob) {
    const token = String(flat[i + 5]);
    const traceparent = String(flat[i + 8]);
    const job: JobView = {
      id: String(flat[i]),
      queue,
      payload: String(flat[i + 1]),
      attempt: Number(flat[i + 2]),
      deliveries: Number(flat[i + 9]),
      enqueuedAt: Number(flat[i + 3]),
      priority: Number(flat[i + 4]),
      maxAttempts: Number(flat[i + 7]),
      state: token === "" ? "done" : "leased",
      errors: [],
    };
    if (token !== "") {
      job.leaseToken = token;
      job.leaseDeadline = Number(flat[i + 6]);
    }
    if (traceparent !== "") job.traceparent = traceparent;
    jobs.push(job);
  }
  return { jobs, stopped: false };
}

const optionalNumber = (text: string | undefined) => (text === undefined ? undefined : Number(text));

/** Turns a job HASH (HGETALL) into a view; undefined when the hash is empty (no such job). */
export function parseJobHash(queue: string, id: string, hash: Record<string, string>): JobView | undefined {
  if (hash.payload === undefined) return undefined;
  const job: JobView = {
    id,
    queue,
    payload: hash.payload,
    attempt: Number(hash.attempt ?? 0),
    // a job stored before the field existed: it went out at least `attempt` times
    deliveries: Number(hash.deliveries ?? hash.attempt ?? 0),
    maxAttempts: Number(hash.maxAttempts ?? 0),
    enqueuedAt: Number(hash.enqueuedAt ?? 0),
    priority: Number(hash.priority ?? 0),
    state: (hash.state ?? "ready") as JobView["state"],
    errors: hash.errors === undefined ? [] : (JSON.parse(hash.errors) as JobError[]),
    leaseToken: hash.leaseToken,
    leaseDeadline: optionalNumber(hash.leaseDeadline),
    dueAt: hash.state === "delayed" ? optionalNumber(hash.dueAt) : undefined,
    expiresAt: optionalNumber(hash.expiresAt),
    unique: hash.unique,
    traceparent: hash.traceparent,
    deadReason: hash.deadReason,
    diedAt: optionalNumber(hash.diedAt),
    finishedAt: optionalNumber(hash.finishedAt),
  };
  for (const key of Object.keys(job) as (keyof JobView)[]) if (job[key] === undefined) delete job[key];
  return job;
}
