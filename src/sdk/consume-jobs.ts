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
  /** The stream's credit: jobs held at once, running or waiting for a slot. */
  prefetch: number;
  /** True when prefetch is the Worker's default, which falls back to concurrency if refused. */
  prefetchIsDefault: boolean;
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
  const { client, queues, leaseSeconds, concurrency, transport, signal, log, mode, accept } = deps;
  let backoffMs = 100;
  let prefetch = deps.prefetch;
  while (!signal.aborted) {
    let subscribed = false;
    try {
      await (mode.current === "stream"
        ? streamJobs(client, {
            queues,
            leaseSeconds,
            signal,
            accept,
            prefetch,
            // Leases that ran out (a stall) return credit at the stream's heartbeat: keep it short.
            heartbeatSeconds: Math.min(leaseSeconds, 15),
            onSubscribed: () => {
              subscribed = true;
              backoffMs = 100;
            },
          })
        : pollJobs(client, { queues, leaseSeconds, signal, accept, freeSlots: deps.freeSlots }));
    } catch (error) {
      if (signal.aborted || deps.stopping()) break;
      const failure = ConnectError.from(error);
      // A server whose limits.max_batch_size is below the default prefetch: ask for what it took before.
      if (
        failure.code === Code.InvalidArgument &&
        !subscribed &&
        deps.prefetchIsDefault &&
        prefetch > concurrency
      ) {
        log.warn("presque refused the default prefetch; asking for the concurrency instead", {
          error: failure.message,
          prefetch: concurrency,
        });
        prefetch = concurrency;
        continue;
      }
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
