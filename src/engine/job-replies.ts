import type { FetchResult, JobView } from "./types.ts";

const fieldsPerJob = 7;

/** Turns fetchJobs' flat reply into job views (see the script header for the layout). */
export function parseFetchReply(queue: string, reply: unknown): FetchResult {
  const flat = reply as (string | number)[];
  if (flat[0] === "stopped") return { jobs: [], stopped: true };
  const jobs: JobView[] = [];
  for (let i = 2; i < flat.length; i += fieldsPerJob) {
    const token = String(flat[i + 5]);
    const job: JobView = {
      id: String(flat[i]),
      queue,
      payload: String(flat[i + 1]),
      attempt: Number(flat[i + 2]),
      enqueuedAt: Number(flat[i + 3]),
      priority: Number(flat[i + 4]),
      state: "leased",
    };
    if (token !== "") {
      job.leaseToken = token;
      job.leaseDeadline = Number(flat[i + 6]);
    }
    jobs.push(job);
  }
  return { jobs, stopped: false };
}

/** Turns a job HASH (HGETALL) into a view; undefined when the hash is empty (no such job). */
export function parseJobHash(queue: string, id: string, hash: Record<string, string>): JobView | undefined {
  if (hash.payload === undefined) return undefined;
  const job: JobView = {
    id,
    queue,
    payload: hash.payload,
    attempt: Number(hash.attempt ?? 0),
    enqueuedAt: Number(hash.enqueuedAt ?? 0),
    priority: Number(hash.priority ?? 0),
    state: (hash.state ?? "ready") as JobView["state"],
  };
  if (hash.leaseToken !== undefined) job.leaseToken = hash.leaseToken;
  if (hash.leaseDeadline !== undefined) job.leaseDeadline = Number(hash.leaseDeadline);
  if (hash.lastError !== undefined) job.lastError = hash.lastError;
  return job;
}
