import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { Health } from "../../gen/grpc/health/v1/health_pb.ts";
import { ConsumerService } from "../../gen/presque/v1/consumer_service_pb.ts";
import { ControlService } from "../../gen/presque/v1/control_service_pb.ts";
import { DeadLetterService } from "../../gen/presque/v1/dead_letter_service_pb.ts";
import { QueueService } from "../../gen/presque/v1/queue_service_pb.ts";
import { ScheduleService } from "../../gen/presque/v1/schedule_service_pb.ts";
import { StatsService } from "../../gen/presque/v1/stats_service_pb.ts";
import { createClientTransport } from "./client-transport.ts";
import type { EnqueueCoalescingOptions } from "./enqueue-coalescer.ts";
import { withEnqueueRetry } from "./enqueue-retry.ts";
import { createProducer, type Producer } from "./producer.ts";

export interface PresqueClientOptions {
  /** Where presque listens, e.g. "http://localhost:5000", or "https://queue.example:5000" with TLS. */
  baseUrl: string;
  /**
   * The API key's secret (`pq_...`), sent as `Authorization: Bearer <key>` on every call of every
   * service. Needed when the server has keys configured. Never read from the environment: pass
   * `process.env.PRESQUE_API_KEY` yourself if that is where you keep it.
   */
  apiKey?: string;
  /**
   * PEM certificate(s) of the CA that signed the server's certificate, for an https:// baseUrl
   * whose certificate a public CA did not sign. Only these CAs are trusted then. Default: Node's
   * bundled public CAs.
   */
  ca?: string | Buffer;
  /** "connect" (default) works over HTTP/1.1 and through most proxies; "grpc" needs HTTP/2. */
  protocol?: "connect" | "grpc";
  /** HTTP version of the Connect protocol; gRPC always uses HTTP/2. Default "1.1". */
  httpVersion?: "1.1" | "2";
  /**
   * Retries of `queue.enqueue` and `queue.enqueueBatch` answered "unavailable" (Redis away or too
   * slow) or cut by a broken connection. Default 3; 0 sends once. Every attempt carries the same
   * idempotency key (yours, or one the SDK makes), so a retry never adds the job twice.
   */
  enqueueRetries?: number;
  /** Told before each enqueue retry, with the error that caused it. */
  onEnqueueRetry?: (error: unknown, retry: number) => void;
  /**
   * How `enqueue` and `enqueueJson` calls made together share requests: calls for one queue with
   * the same options, made in the same turn of the event loop or while that queue's requests are
   * in flight, go as one EnqueueBatch, and each caller gets its own id or its own error. Calls
   * with a uniqueKey, requeue or an idempotencyKey of their own always go alone. Default on
   * (500 jobs, 256 Ki characters, 4 requests in flight per queue); false sends every call alone.
   */
  enqueueCoalescing?: EnqueueCoalescingOptions | false;
  /** Connect interceptors of your own, run on every call of every service after the API key's. */
  interceptors?: Interceptor[];
}

/**
 * The typed clients a Worker uses (generated from proto/, see gen/). Any object of this shape can
 * be given to a Worker, e.g. clients on a transport with interceptors of your own.
 */
export interface PresqueClient {
  queue: Client<typeof QueueService>;
  control: Client<typeof ControlService>;
  stats: Client<typeof StatsService>;
  consumer: Client<typeof ConsumerService>;
  /** Closes the HTTP/2 connection, if any; HTTP/1.1 sockets close when idle. */
  close(): void;
}

/**
 * What createPresqueClient gives: typed clients of every service, and the producer calls
 * `enqueue(queue, payload, options)`, `enqueueBatch(queue, payloads, options)` and
 * `enqueueJson(queue, text, options)`, which take plain JSON.
 */
export interface FullPresqueClient extends PresqueClient, Producer {
  deadLetters: Client<typeof DeadLetterService>;
  schedules: Client<typeof ScheduleService>;
  /** grpc.health.v1: Check ("" for the server, "presque.v1.QueueService", ...) and Watch. */
  health: Client<typeof Health>;
}

export function createPresqueClient(options: PresqueClientOptions): FullPresqueClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const { transport, close } = createClientTransport({ ...options, baseUrl });
  const queue = withEnqueueRetry(createClient(QueueService, transport), {
    retries: options.enqueueRetries ?? 3,
    onRetry: options.onEnqueueRetry,
  });
  return {
    ...createProducer(queue, options.enqueueCoalescing),
    queue,
    control: createClient(ControlService, transport),
    stats: createClient(StatsService, transport),
    consumer: createClient(ConsumerService, transport),
    deadLetters: createClient(DeadLetterService, transport),
    schedules: createClient(ScheduleService, transport),
    health: createClient(Health, transport),
    close,
  };
}

/** The server a tool talks to when told nothing: $PRESQUE_URL, else presque's default port. */
export const defaultPresqueUrl = () => process.env.PRESQUE_URL || "http://localhost:5000";
