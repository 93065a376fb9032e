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

const optionalNumber = (text: unknown) => (text === "" ? undefined : Number(text));
const optionalText = (text: unknown) => (text === "" ? undefined : String(text));

/** Turns one job of readJobs' reply into a view (see the script header for the 15 fields). */
export function parseJobRecord(queue: string, fields: unknown[]): JobView {
  const [id, state, payload, attempt, deliveries, maxAttempts, enqueuedAt, priority, score] = fields;
  const [leaseToken, expiresAt, unique, traceparent, errors, deadReason] = fields.slice(9);
  const job: JobView = {
    id: String(id),
    queue,
    payload: String(payload),
    attempt: Number(attempt),
    deliveries: Number(deliveries),
    maxAttempts: Number(maxAttempts),
    enqueuedAt: Number(enqueuedAt),
    priority: Number(priority),
    state: String(state) as JobView["state"],
    errors: errors === "" ? [] : (JSON.parse(String(errors)) as JobError[]),
    leaseToken: optionalText(leaseToken),
    expiresAt: optionalNumber(expiresAt),
    unique: optionalText(unique),
    traceparent: optionalText(traceparent),
    deadReason: optionalText(deadReason),
  };
  // the time is the job's score in the set of its state
  const at = optionalNumber(score);
  if (at !== undefined) {
    if (job.state === "delayed") job.dueAt = at;
    else if (job.state === "leased") job.leaseDeadline = at;
    else if (job.state === "dead") job.diedAt = at;
    else if (job.state === "done") job.finishedAt = at;
  }
  for (const key of Object.keys(job) as (keyof JobView)[]) if (job[key] === undefined) delete job[key];
  return job;
}
