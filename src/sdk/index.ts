/** presque's TypeScript SDK: typed clients of every service, a producer API, and a Worker. */
export {
  createPresqueClient,
  defaultPresqueUrl,
  type FullPresqueClient,
  type PresqueClient,
  type PresqueClientOptions,
} from "./client.ts";
export type { EnqueueCoalescingOptions } from "./enqueue-coalescer.ts";
export {
  type EnqueueBatchResult,
  type EnqueueCallOptions,
  type EnqueueOneOptions,
  type EnqueueResult,
  type Producer,
  payloadJsonOf,
} from "./producer.ts";
export { Worker } from "./worker.ts";
export { bigIntReviver, type JsonReviver, type WorkerJob, type WorkerOptions } from "./worker-options.ts";
