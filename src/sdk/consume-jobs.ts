import { setTimeout as sleep } from "node:timers/promises";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Job } from "../../gen/presque/v1/job_pb.ts";
import type { Logger } from "../log.ts";
import type { PresqueClient } from "./client.ts";
import { isConnectionError } from "./connection-retry.ts";
import { pollJobs, streamJobs } from "./job-sources.ts";

export interface ConsumeDeps {
  client: PresqueClient;
  queues: string[];
  leaseSeconds: number;
  concurrency: number;
  transport: "auto" | "stream" | "poll";
  /** Closes the source for good. */
  signal: AbortSignal;
  log: Logger;
  /** The source in use; "auto" starts with the stream and may switch to poll once. */
  mode: { current: "stream" | "poll" };
  accept: (job: Job) => void;
  freeSlots: () => Promise<number>;
  /** While draining, a broken stream is not worth reopening: running jobs ack over unary calls. */
  stopping: () => boolean;
}

/** Reads jobs until the source is closed, reconnecting with backoff. */
export async function consumeJobs(deps: ConsumeDeps): Promise<void> {
  const { client, queues, leaseSeconds, concurrency, transport, signal, log, mode } = deps;
  let backoffMs = 100;
  while (!signal.aborted) {
    let subscribed = false;
    try {
      const jobs =
        mode.current === "stream"
          ? streamJobs(client, {
              queues,
              leaseSeconds,
              signal,
              prefetch: concurrency,
              // Leases that ran out (a stall) return credit at the stream's heartbeat: keep it short.
              heartbeatSeconds: Math.min(leaseSeconds, 15),
              onSubscribed: () => {
                subscribed = true;
                backoffMs = 100;
              },
            })
          : pollJobs(client, { queues, leaseSeconds, signal, freeSlots: deps.freeSlots });
      for await (const job of jobs) deps.accept(job);
    } catch (error) {
      if (signal.aborted || deps.stopping()) break;
      const failure = ConnectError.from(error);
      // A refused key is not a connection problem: retrying cannot help, so run() rejects with it.
      if (failure.code === Code.Unauthenticated || failure.code === Code.PermissionDenied) throw failure;
      // A reset keep-alive socket says nothing about whether the server streams.
      const streamBroken =
        failure.code !== Code.Unavailable &&
        failure.code !== Code.DeadlineExceeded &&
        !isConnectionError(error);
      if (mode.current === "stream" && transport === "auto" && !subscribed && streamBroken) {
        log.warn("streaming is not available; falling back to long-poll", { error: failure.message });
        mode.current = "poll";
        continue;
      }
      log.warn("connection to presque failed; retrying", { error: failure.message, retryInMs: backoffMs });
      await sleep(backoffMs, undefined, { signal }).catch(() => {});
      backoffMs = Math.min(backoffMs * 2, 5000);
    }
  }
}
