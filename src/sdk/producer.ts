import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import type { EnqueueOptionsSchema, QueueService } from "../../gen/presque/v1/queue_service_pb.ts";
import { createEnqueueCoalescer, type EnqueueCoalescingOptions } from "./enqueue-coalescer.ts";

/** What an enqueue may say besides the payload; every field is optional. */
export interface EnqueueCallOptions {
  /** Higher runs first, -1000..1000; default 0. */
  priority?: number;
  /** Hold the job back this many seconds before it becomes ready. */
  delaySeconds?: number;
  /** Ready at this time instead (wins over delaySeconds). */
  runAt?: Date;
  /** Deliveries before dead letters; default the queue's setting. */
  maxAttempts?: number;
  /** "Must start by": not delivered by then, the job goes to dead letters. */
  expiresAt?: Date;
  /** A retried call with the same key (within 24 h) returns the first call's ids and adds nothing. */
  idempotencyKey?: string;
  /** W3C trace context, handed to the worker with the job. */
  traceparent?: string;
  /** Aborts the call (and its retries). */
  signal?: AbortSignal;
  /** Gives up after this long (each attempt). */
  timeoutMs?: number;
}

/** Options of a single enqueue: a batch cannot take a unique key or requeue. */
export interface EnqueueOneOptions extends EnqueueCallOptions {
  /** Refused with already_exists while a job with this key is queued or leased. */
  uniqueKey?: string;
  /** Counts a failure on the queue (presque's PUT /q/{queue}). */
  requeue?: boolean;
}

export interface EnqueueResult {
  id: string;
  /** The idempotency key was seen before: this is the first call's job; nothing was added. */
  duplicate: boolean;
}

export interface EnqueueBatchResult {
  /** In the order of the payloads. */
  ids: string[];
  duplicate: boolean;
}

/** The typed producer calls of PresqueClient (see client.ts). */
export interface Producer {
  /**
   * Adds one job. The payload is any JSON value, sent as its JSON text and stored byte for byte
   * (a bigint becomes an exact JSON integer). Retried like `queue.enqueue` (enqueueRetries).
   * Calls made together for one queue with the same options share one EnqueueBatch request
   * (see enqueueCoalescing); each still gets its own id, or its own error.
   */
  enqueue<Payload = unknown>(
    queue: string,
    payload: Payload,
    options?: EnqueueOneOptions,
  ): Promise<EnqueueResult>;
  /** Adds many jobs to one queue atomically, in one round trip. */
  enqueueBatch<Payload = unknown>(
    queue: string,
    payloads: readonly Payload[],
    options?: EnqueueCallOptions,
  ): Promise<EnqueueBatchResult>;
  /** Adds one job given as JSON text, stored as is (it must be valid JSON). Coalesced like enqueue. */
  enqueueJson(queue: string, json: string, options?: EnqueueOneOptions): Promise<EnqueueResult>;
}

/** JSON.rawJSON (Node 21+): lets JSON.stringify write a bigint as the exact integer it is. */
const rawJson = (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON;

const exactBigInts = (_key: string, value: unknown) =>
  typeof value === "bigint" ? rawJson(value.toString()) : value;

/** A payload's JSON text; bigints are written exactly. */
export function payloadJsonOf(payload: unknown, what = "payload"): string {
  let text: string | undefined;
  try {
    // A replacer takes JSON.stringify off V8's fast path: only a payload with a bigint needs it.
    text = JSON.stringify(payload);
  } catch (error) {
    if (!(error instanceof TypeError) || !/BigInt/.test(error.message)) throw error;
    text = JSON.stringify(payload, exactBigInts);
  }
  if (text === undefined) throw new TypeError(`${what} is not a JSON value (got ${typeof payload})`);
  return text;
}

/**
 * What EnqueueBatch cannot say for one job of many: a unique key and requeue are single-only, and
 * a caller's idempotency key names its own request. Such calls go alone, as an Enqueue.
 */
function goesAlone(options: EnqueueOneOptions): boolean {
  return Boolean(options.uniqueKey || options.requeue || options.idempotencyKey);
}

function protoOptions(options: EnqueueOneOptions): MessageInitShape<typeof EnqueueOptionsSchema> {
  return {
    priority: options.priority,
    delaySeconds: options.delaySeconds,
    runAt: options.runAt && timestampFromDate(options.runAt),
    maxAttempts: options.maxAttempts,
    expiresAt: options.expiresAt && timestampFromDate(options.expiresAt),
    uniqueKey: options.uniqueKey,
    idempotencyKey: options.idempotencyKey,
    traceparent: options.traceparent,
  };
}

/**
 * The producer calls over a queue client (retrying, see enqueue-retry.ts). `coalescing` false
 * sends every enqueue as its own request.
 */
export function createProducer(
  queueClient: Client<typeof QueueService>,
  coalescing: EnqueueCoalescingOptions | false = {},
): Producer {
  const call = (options: EnqueueCallOptions) => ({ signal: options.signal, timeoutMs: options.timeoutMs });
  const sendOne = async (queue: string, json: string, options: EnqueueOneOptions) => {
    const res = await queueClient.enqueue(
      { queue, payloadJson: json, options: protoOptions(options), requeue: options.requeue },
      call(options),
    );
    return { id: res.id, duplicate: res.duplicate };
  };
  const sendBatch = async (queue: string, payloadsJson: string[], options: EnqueueCallOptions) => {
    const res = await queueClient.enqueueBatch(
      { queue, payloadsJson, options: protoOptions(options) },
      call(options),
    );
    return res.ids;
  };
  const coalescer =
    coalescing === false ? undefined : createEnqueueCoalescer({ sendOne, sendBatch }, coalescing);
  const enqueueJson = (queue: string, json: string, options: EnqueueOneOptions = {}) => {
    try {
      return coalescer === undefined || goesAlone(options)
        ? sendOne(queue, json, options)
        : coalescer.enqueue(queue, json, options);
    } catch (error) {
      return Promise.reject(error); // a bad option value: a rejection, as from an async call
    }
  };
  return {
    enqueue(queue, payload, options) {
      try {
        return enqueueJson(queue, payloadJsonOf(payload), options);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    enqueueJson,
    async enqueueBatch(queue, payloads, options = {}) {
      const payloadsJson = payloads.map((payload, i) => payloadJsonOf(payload, `payloads[${i}]`));
      const { uniqueKey: _u, requeue: _r, ...batchOptions } = options as EnqueueOneOptions;
      const res = await queueClient.enqueueBatch(
        { queue, payloadsJson, options: protoOptions(batchOptions) },
        call(options),
      );
      return { ids: res.ids, duplicate: res.duplicate };
    },
  };
}
