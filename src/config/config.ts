/** Everything presque can be told, after YAML, environment and flags are merged. */
export interface PresqueConfig {
  /** Interface to listen on. */
  host: string;
  /** Port for every protocol (REST, Connect, gRPC, gRPC-Web). 0 picks a free one. */
  port: number;
  /** The Redis to use. Undefined: presque starts and supervises its own redis-server in dataDir. */
  redis: RedisTarget | undefined;
  /** Where the managed redis-server keeps its append-only file. */
  dataDir: string;
  /** Prefix of every Redis key, so several deployments can share one Redis. */
  prefix: string;
  limits: Limits;
  /** Lease length when a consumer asks for a lease without a length. */
  defaultLeaseSeconds: number;
  /** How long an enqueue's idempotency key is remembered (a retry within it adds nothing). */
  idempotencyWindowSeconds: number;
  /** One log line per request (method, path, status, duration, request id). */
  logRequests: boolean;
  /** Refuse to start when Redis may silently lose jobs (eviction policy, no persistence). */
  strict: boolean;
  /** Longest the reaper waits between passes (it wakes sooner when something falls due). */
  reaperIntervalMs: number;
  /** How long SIGTERM waits for requests in flight before closing them. */
  shutdownGraceMs: number;
}

export interface RedisTarget {
  /** redis:// or rediss:// URL; wins over host/port. */
  url?: string;
  host?: string;
  port?: number;
  password?: string;
  db?: number;
}

/** Every limit is enforced the same way on REST and RPC, and answered with a clear 4xx. */
export interface Limits {
  /** Largest request body (a job, or a batch of jobs), in bytes. */
  maxBodyBytes: number;
  /** Most jobs in one batch enqueue or fetch. */
  maxBatchSize: number;
  /** Longest queue name, in characters. */
  maxQueueNameLength: number;
  /** Longest long-poll wait a consumer may ask for. */
  maxWaitSeconds: number;
  /** Longest lease a consumer may ask for. */
  maxLeaseSeconds: number;
}

export const defaultConfig: PresqueConfig = {
  host: "127.0.0.1",
  port: 5000,
  redis: undefined,
  dataDir: "./data",
  prefix: "presque",
  limits: {
    maxBodyBytes: 1024 * 1024,
    maxBatchSize: 1000,
    maxQueueNameLength: 128,
    maxWaitSeconds: 60,
    maxLeaseSeconds: 12 * 60 * 60,
  },
  defaultLeaseSeconds: 30,
  idempotencyWindowSeconds: 24 * 60 * 60,
  strict: false,
  logRequests: true,
  reaperIntervalMs: 100,
  shutdownGraceMs: 10_000,
};
