import type { Job } from "../../gen/presque/v1/job_pb.ts";
import type { PresqueClient } from "./client.ts";

export interface JobSourceOptions {
  queues: string[];
  leaseSeconds: number;
  /** Closes the stream or ends the long poll. */
  signal: AbortSignal;
}

/**
 * Jobs from the Subscribe stream, at most `prefetch` unsettled at a time (the server keeps the
 * count). `onSubscribed` runs when the server confirms, so a caller can tell "the stream works"
 * from "the stream never started".
 */
export async function* streamJobs(
  client: PresqueClient,
  options: JobSourceOptions & { prefetch: number; heartbeatSeconds: number; onSubscribed: () => void },
): AsyncGenerator<Job> {
  const { queues, prefetch, leaseSeconds, heartbeatSeconds } = options;
  const stream = client.consumer.subscribe(
    { queues, prefetch, leaseSeconds, heartbeatSeconds },
    { signal: options.signal },
  );
  for await (const response of stream) {
    if (response.event.case === "subscribed") options.onSubscribed();
    if (response.event.case === "job") yield response.event.value;
  }
}

/** How long one long poll waits; later queues are checked again at least this often. */
const longPollSeconds = 5;

/**
 * Jobs by long-polling Fetch, for servers or proxies without streaming. Fetch names one queue,
 * so the queues are tried in order without waiting, and only the first one is long-polled.
 */
export async function* pollJobs(
  client: PresqueClient,
  options: JobSourceOptions & { freeSlots: () => Promise<number> },
): AsyncGenerator<Job> {
  const { queues, leaseSeconds, signal } = options;
  while (!signal.aborted) {
    const free = await options.freeSlots();
    let got = 0;
    for (const queue of queues) {
      if (got >= free || signal.aborted) break;
      const { jobs } = await client.queue.fetch({ queue, maxJobs: free - got, leaseSeconds }, { signal });
      got += jobs.length;
      yield* jobs;
    }
    if (got > 0 || signal.aborted) continue;
    const { jobs } = await client.queue.fetch(
      { queue: queues[0] as string, maxJobs: free, leaseSeconds, waitSeconds: longPollSeconds },
      { signal },
    );
    yield* jobs;
  }
}
