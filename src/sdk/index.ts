/** presque's TypeScript SDK: typed clients of every service, and a Worker. */
export {
  createPresqueClient,
  defaultPresqueUrl,
  type PresqueClient,
  type PresqueClientOptions,
} from "./client.ts";
export { Worker } from "./worker.ts";
export type { WorkerJob, WorkerOptions } from "./worker-options.ts";
