import type { ApiKeyEntry } from "../auth/api-key.ts";

/**
 * Everything presque can be told, after YAML, environment and flags are merged. Durations are
 * milliseconds here, whatever unit their YAML key and variable name (`*_seconds`): load-config
 * converts once, so nothing inside converts again.
 */
export interface PresqueConfig {
  /** Interface to listen on. */
  host: string;
  /** Port for every protocol (REST, Connect, gRPC, gRPC-Web). 0 picks a free one. */
  port: number;
  /**
   * Server processes sharing the port (`presque serve --workers N`; `auto` in YAML, environment
   * and flag is one per core). 1 serves in the one process; more start a primary that forks them.
   */
  workers: number;
  /** The Redis to use. Undefined: presque starts and supervises its own redis-server in dataDir. */
  redis: RedisTarget | undefined;
  /**
   * Longest wait for one Redis command (configured or managed Redis); past it the request gets
   * 503. The command may still run once Redis answers again, so a 503 write may have happened.
   */
  redisCommandTimeoutMs: number;
  /** Where the managed redis-server keeps its append-only file. */
  dataDir: string;
  /** Prefix of every Redis key, so several deployments can share one Redis. */
  prefix: string;
  limits: Limits;
  /** Lease length when a consumer asks for a lease without a length. */
  defaultLeaseMs: number;
  /** How long an enqueue's idempotency key is remembered (a retry within it adds nothing). */
  idempotencyWindowMs: number;
  /** One log line per request (method, path, status, duration, request id). */
  logRequests: boolean;
  /** Refuse to start when Redis may silently lose jobs (eviction policy, no persistence). */
  strict: boolean;
  /** Longest the reaper waits between passes (it wakes sooner when something falls due). */
  reaperIntervalMs: number;
  /** How long SIGTERM waits for requests in flight before closing them. */
  shutdownGraceMs: number;
  auth: AuthConfig;
  tls: TlsConfig;
  http: HttpConfig;
  cors: CorsConfig;
}

/** API keys (README "Security"). No key configured: auth is off, allowed on loopback only. */
export interface AuthConfig {
  /** Keys from the YAML file; only their hashes. */
  keys: ApiKeyEntry[];
  /** A YAML file holding more keys (`keys: [...]`), read at start and on SIGHUP. */
  keysFile: string | undefined;
  /** Serve /metrics without a key (for a scraper on a trusted network). */
  metricsOpen: boolean;
  /** Failed key checks from one address within the window before it gets 429s. */
  maxFailures: number;
  failureWindowMs: number;
  /** Listen beyond loopback with no key configured (warned about at every start). */
  insecureNoAuth: boolean;
}

/** HTTPS on the one port (PEM files, read at start and on SIGHUP). Both cert and key, or neither. */
export interface TlsConfig {
  cert: string | undefined;
  key: string | undefined;
  /** CA whose client certificates are accepted (mTLS); a certificate's CN names an API key. */
  clientCa: string | undefined;
}

export interface HttpConfig {
  /**
   * Host names requests may be addressed to (besides localhost, 127.0.0.1, ::1 and the bound
   * address): a request for any other Host is refused (DNS rebinding). `*` allows every name.
   */
  allowedHosts: string[];
}

export interface CorsConfig {
  /** Origins whose pages may call presque (CORS); none by default. */
  allowedOrigins: string[];
}

export interface RedisTarget {
  /** redis:// or rediss:// URL; wins over host/port. */
  url?: string;
  host?: string;
  port?: number;
  /** Redis ACL user (with password). */
  username?: string;
  password?: string;
  db?: number;
  /** PEM CA for rediss:// (default: the system's CAs). */
  tlsCa?: string;
  /** PEM client certificate and key for a Redis that asks for one (tls-auth-clients). */
  tlsCert?: string;
  tlsKey?: string;
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
  maxWaitMs: number;
  /** Longest lease a consumer may ask for. */
  maxLeaseMs: number;
  /**
   * Deepest nesting of arrays and objects in a payload. protobuf decoders stop at 100 message
   * levels, two per JSON level: Connect binary clients cannot decode a job deeper than 48.
   */
  maxPayloadDepth: number;
  /** Open connections at most (keep it under the descriptor limit); past it new ones are closed. */
  maxConnections: number;
  /** How long a new connection may take to send its first bytes (HTTP/1.1 or h2c preface). */
  prefaceTimeoutMs: number;
  /** How long a request's headers may take to arrive (HTTP/1.1); past it 408. */
  headersTimeoutMs: number;
  /**
   * How long a request may take to arrive, body included; past it 408. It stops counting once the
   * request is in, so long polls and streams are not cut.
   */
  requestTimeoutMs: number;
  /** How long a connection with no request in progress stays open (keep-alive, idle h2c). */
  idleTimeoutMs: number;
}

const hourMs = 60 * 60 * 1000;

export const defaultConfig: PresqueConfig = {
  host: "127.0.0.1",
  port: 5000,
  workers: 1,
  redis: undefined,
  redisCommandTimeoutMs: 5_000,
  dataDir: "./data",
  prefix: "presque",
  limits: {
    maxBodyBytes: 1024 * 1024,
    maxBatchSize: 1000,
    maxQueueNameLength: 128,
    maxWaitMs: 60_000,
    maxLeaseMs: 12 * hourMs,
    maxPayloadDepth: 32,
    maxConnections: 10_000,
    prefaceTimeoutMs: 5_000,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 60_000,
    idleTimeoutMs: 5_000,
  },
  defaultLeaseMs: 30_000,
  idempotencyWindowMs: 24 * hourMs,
  strict: false,
  logRequests: true,
  reaperIntervalMs: 100,
  shutdownGraceMs: 10_000,
  auth: {
    keys: [],
    keysFile: undefined,
    metricsOpen: false,
    maxFailures: 10,
    failureWindowMs: 60_000,
    insecureNoAuth: false,
  },
  tls: { cert: undefined, key: undefined, clientCa: undefined },
  http: { allowedHosts: [] },
  cors: { allowedOrigins: [] },
};
