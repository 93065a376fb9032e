import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { clone, create } from "@bufbuild/protobuf";
import { type CallOptions, type Client, Code, ConnectError } from "@connectrpc/connect";
import {
  EnqueueBatchRequestSchema,
  EnqueueOptionsSchema,
  EnqueueRequestSchema,
  type QueueService,
} from "../../gen/presque/v1/queue_service_pb.ts";
import { isConnectionError } from "./connection-retry.ts";

type QueueClient = Client<typeof QueueService>;

export interface EnqueueRetryOptions {
  /** Retries after the first attempt; 0 sends once. */
  retries: number;
  /** Told before each retry (to log it, say). */
  onRetry?: (error: unknown, retry: number) => void;
}

/**
 * An unavailable answer (503: Redis unreachable or too slow) or a broken connection does not say
 * whether the job was stored: the write may still have happened. Only such errors are retried.
 */
function mayRetry(error: unknown): boolean {
  if (isConnectionError(error)) return true;
  return error instanceof ConnectError && error.code === Code.Unavailable;
}

/**
 * The queue client with Enqueue and EnqueueBatch retried on "unavailable" (100 ms apart and
 * doubling). Every attempt of one call carries the same idempotency key, the caller's or one made
 * here, so a retry of a write that did happen returns the first job's id and adds nothing. A key
 * made here is the SDK's business: its replay is not reported as `duplicate`.
 */
export function withEnqueueRetry(queue: QueueClient, options: EnqueueRetryOptions): QueueClient {
  if (options.retries <= 0) return queue;

  async function retrying<T extends { duplicate: boolean }>(
    given: string | undefined,
    signal: AbortSignal | undefined,
    send: (key: string) => Promise<T>,
  ): Promise<T> {
    const key = given || randomUUID();
    for (let retry = 0; ; retry++) {
      try {
        const res = await send(key);
        return !given && retry > 0 ? { ...res, duplicate: false } : res;
      } catch (error) {
        if (retry >= options.retries || signal?.aborted || !mayRetry(error)) throw error;
        options.onRetry?.(error, retry + 1);
        await sleep(100 * 2 ** retry, undefined, { signal });
      }
    }
  }

  return {
    ...queue,
    enqueue: (init, call?: CallOptions) => {
      // A copy: the caller's message (it may be a full one) stays as it was given.
      const req = clone(EnqueueRequestSchema, create(EnqueueRequestSchema, init));
      req.options ??= create(EnqueueOptionsSchema);
      const options = req.options;
      return retrying(options.idempotencyKey, call?.signal, (key) => {
        options.idempotencyKey = key;
        return queue.enqueue(req, call);
      });
    },
    enqueueBatch: (init, call?: CallOptions) => {
      const req = clone(EnqueueBatchRequestSchema, create(EnqueueBatchRequestSchema, init));
      req.options ??= create(EnqueueOptionsSchema);
      const options = req.options;
      return retrying(options.idempotencyKey, call?.signal, (key) => {
        options.idempotencyKey = key;
        return queue.enqueueBatch(req, call);
      });
    },
  };
}
