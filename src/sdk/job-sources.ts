import type { Job } from "../../gen/presque/v1/job_pb.ts";
import type { PresqueClient } from "./client.ts";

export interface JobSourceOptions {
  queues: string[];
  leaseSeconds: number;
  /** Closes the stream or ends the long poll. */
  signal: AbortSignal;
  /** Each job as it arrives, in order; called for every job, not awaited. */
  accept: (job: Job) => void;
}

/**
 * Jobs from the Subscribe stream, at most `prefetch` unsettled at a time (the server keeps the
 * count), as many per message as one refill of credit brings (max_jobs_per_event), each with
 * payload_json only: the Worker parses that text itself, so the Value would be decoded for
 * nothing. A server older than these fields ignores them and sends one job per `job` event with
 * both payloads, which works the same. `onSubscribed` runs when the server confirms, so a caller
 * can tell "the stream works" from "the stream never started".
 */
export async function streamJobs(
  client: PresqueClient,
  options: JobSourceOptions & { prefetch: number; heartbeatSeconds: number; onSubscribed: () => void },
): Promise<void> {
  const { queues, prefetch, leaseSeconds, heartbeatSeconds, accept } = options;
  const stream = client.consumer.subscribe(
    { queues, prefetch, leaseSeconds, heartbeatSeconds, payloadJsonOnly: true, maxJobsPerEvent: prefetch },
    { signal: options.signal },
  );
  for await (const { event } of stream) {
    switch (event.case) {
      case "jobs":
        for (const job of event.value.jobs) accept(job);
        break;
      case "job":
        accept(event.value);
        break;
      case "subscribed":
        options.onSubscribed();
        break;
    }
  }
}

/** How long one long poll waits; later queues are checked again at least this often. */
const longPollSeconds = 5;

/**
 * Jobs by long-polling Fetch, for servers or proxies without streaming. Fetch names one queue,
 * so the queues are tried in order without waiting, and only the first one is long-polled.
 * `freeSlots` bounds each fetch: a poll takes only jobs it can start, as nothing would give the
 * others back at shutdown (a stream's close does).
 */
export async function pollJobs(
  client: PresqueClient,
  options: JobSourceOptions & { freeSlots: () => Promise<number> },
): Promise<void> {
  const { queues, leaseSeconds, signal, accept } = options;
  const fetch = async (queue: string, maxJobs: number, waitSeconds: number) => {
    const reply = await client.queue.fetch(
      { queue, maxJobs, leaseSeconds, waitSeconds, payloadJsonOnly: true },
      { signal },
    );
    for (const job of reply.jobs) accept(job);
    return reply.jobs.length;
  };
  while (!signal.aborted) {
    const free = await options.freeSlots();
    let got = 0;
    for (const queue of queues) {
      if (got >= free || signal.aborted) break;
      got += await fetch(queue, free - got, 0);
    }
    if (got > 0 || signal.aborted) continue;
    await fetch(queues[0] as string, free, longPollSeconds);
  }
}
