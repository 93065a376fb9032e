import type { Logger } from "../log.ts";
import type { PresqueClient, PresqueClientOptions } from "./client.ts";

/** A job as the work function sees it. */
export interface WorkerJob<Payload = unknown> {
  id: string;
  queue: string;
  /** The JSON payload, parsed from `payloadText` (with the Worker's `reviver`, if any). */
  payload: Payload;
  /** The payload exactly as it was stored: the JSON text the producer sent, byte for byte. */
  payloadText: string;
  /** 1 on the first delivery; a delivery given back unfinished (its worker went away) is not counted. */
  attempt: number;
  /**
   * Every delivery so far, this one included, never undone: above `attempt` when an earlier
   * delivery was given back (a worker killed or disconnected mid-job), so the job may have partly run.
   */
  deliveries: number;
  enqueuedAt: Date;
  /** W3C trace context given at enqueue, to continue the producer's trace. */
  traceparent?: string;
  /** Aborts when the worker lost the lease (another worker may get the job) or gave up waiting at shutdown. */
  signal: AbortSignal;
}

export interface WorkerOptions<Payload = unknown> {
  /** Queues to take jobs from, highest priority first. */
  queues: string[];
  /** Does the job. Resolving acks it; throwing nacks it with the error's message, so it is retried. */
  work: (job: WorkerJob<Payload>) => Promise<void> | void;
  /** Called after work threw, before the nack; for reporting. */
  fail?: (job: WorkerJob<Payload>, error: unknown) => Promise<void> | void;
  /**
   * Given to JSON.parse for each payload, e.g. `bigIntReviver` (exported by the SDK) to receive
   * integers beyond 2^53 exactly. Its third argument is `{ source }`, the text of a number or string.
   */
  reviver?: JsonReviver;
  /** presque's address; default $PRESQUE_URL or http://localhost:5000. Ignored when client is given. */
  url?: string;
  /** The API key's secret, sent on every call (see PresqueClientOptions.apiKey). Ignored when client is given. */
  apiKey?: string;
  /** PEM CA certificate(s) for an https:// url (see PresqueClientOptions.ca). Ignored when client is given. */
  ca?: string | Buffer;
  client?: PresqueClient;
  /** Jobs run at once; default 1. */
  concurrency?: number;
  /**
   * Jobs held at once over the stream: the running ones plus those received ahead, waiting for a
   * slot (their leases are extended meanwhile, and given back at once when the worker stops), so
   * a slot that frees up finds its next job already there instead of waiting for an ack's round
   * trip. At least `concurrency`; default twice the concurrency, but no more than 1000 (the
   * server's default `limits.max_batch_size`, which bounds it) unless the concurrency itself is.
   * Set it to `concurrency` when jobs are slow and other workers could start them sooner. The
   * long-poll transport takes only the jobs it can start.
   */
  prefetch?: number;
  /** Lease per job; the worker extends it while the job runs. Default 30. */
  leaseSeconds?: number;
  /** "auto" (default) streams and falls back to long-poll when streaming is not available. */
  transport?: "auto" | "stream" | "poll";
  /** Shown in the worker registry (GET /w/). Default: the queue names. */
  name?: string;
  /** Structured log lines; default JSON on stderr. */
  log?: Logger;
  /** Stop gracefully on SIGTERM and SIGINT; default true. */
  handleSignals?: boolean;
  /** At shutdown, how long running jobs may take to finish; then their leases are given back. Default 30 s. */
  shutdownGraceMs?: number;
  /** Registry heartbeat interval; default 5 s. */
  heartbeatSeconds?: number;
  /**
   * How many times an ack, nack or lease extension is sent again when the connection broke
   * under it (EPIPE, ECONNRESET, "socket hang up": a keep-alive socket the server closed); default 3.
   */
  connectionRetries?: number;
}

/** A JSON.parse reviver; context.source is the literal's text (Node 21+). */
export type JsonReviver = (
  this: unknown,
  key: string,
  value: unknown,
  context: { source?: string },
) => unknown;

/**
 * A reviver that turns integers JSON.parse would round (beyond Number.MAX_SAFE_INTEGER) into
 * bigints, from their text: `{"id": 12345678901234567890}` gives `{ id: 12345678901234567890n }`.
 */
export const bigIntReviver: JsonReviver = (_key, value, context) =>
  typeof value === "number" &&
  !Number.isSafeInteger(value) &&
  context?.source !== undefined &&
  /^-?\d+$/.test(context.source)
    ? BigInt(context.source)
    : value;

/** The client a Worker makes for itself when it is given none. */
export function workerClientOptions(
  options: Pick<WorkerOptions, "url" | "apiKey" | "ca">,
  defaultUrl: string,
): PresqueClientOptions {
  return { baseUrl: options.url ?? defaultUrl, apiKey: options.apiKey, ca: options.ca };
}

/** The server's default limits.max_batch_size, the most credit a stream may ask for there. */
const serverDefaultBatchLimit = 1000;

/** Twice the concurrency, within the server's default limit unless the concurrency is above it. */
const defaultPrefetch = (concurrency: number) =>
  Math.max(concurrency, Math.min(2 * concurrency, serverDefaultBatchLimit));

/** Catches a worker that could never work at construction, not at the first job. */
export function checkWorkerOptions<Payload>(options: WorkerOptions<Payload>) {
  if (typeof options?.work !== "function") {
    throw new TypeError(
      "Worker needs a work(job) function: new Worker({ queues, work: async (job) => {...} })",
    );
  }
  if (options.fail !== undefined && typeof options.fail !== "function") {
    throw new TypeError("Worker option fail must be a function (job, error) => void");
  }
  if (options.reviver !== undefined && typeof options.reviver !== "function") {
    throw new TypeError("Worker option reviver must be a function (key, value, context) => value");
  }
  if (!Array.isArray(options.queues) || options.queues.length === 0) {
    throw new TypeError("Worker needs at least one queue: queues: ['emails']");
  }
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError("Worker option concurrency must be a whole number of at least 1");
  }
  const prefetch = options.prefetch ?? defaultPrefetch(concurrency);
  if (!Number.isInteger(prefetch) || prefetch < concurrency) {
    throw new TypeError("Worker option prefetch must be a whole number, at least the concurrency");
  }
  const leaseSeconds = options.leaseSeconds ?? 30;
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 1) {
    throw new TypeError("Worker option leaseSeconds must be a whole number of at least 1");
  }
  const connectionRetries = options.connectionRetries ?? 3;
  if (!Number.isInteger(connectionRetries) || connectionRetries < 0 || connectionRetries > 10) {
    throw new TypeError("Worker option connectionRetries must be a whole number from 0 to 10");
  }
  return {
    concurrency,
    prefetch,
    prefetchIsDefault: options.prefetch === undefined,
    connectionRetries,
    leaseSeconds,
    transport: options.transport ?? "auto",
    shutdownGraceMs: options.shutdownGraceMs ?? 30_000,
    heartbeatSeconds: options.heartbeatSeconds ?? 5,
    name: options.name ?? options.queues.join(","),
  };
}
