import { availableParallelism } from "node:os";
import type {
  AuthConfig,
  CorsConfig,
  HttpConfig,
  Limits,
  PresqueConfig,
  RedisTarget,
  TlsConfig,
} from "./config.ts";
import {
  apiKeys,
  boolean,
  hostNames,
  keyPrefix,
  listenPort,
  nonEmptyString,
  nonNegativeInteger,
  origins,
  positiveInteger,
  redisPort,
  redisUrl,
  type ValueParser,
} from "./value-parsers.ts";

/** Command-line flags that override a setting. */
export interface ConfigFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  strict?: boolean;
  insecureNoAuth?: boolean;
  /** `--workers N` or `--workers auto`, as typed. */
  workers?: string;
}

type Section = "limits" | "redis" | "auth" | "tls" | "http" | "cors";
type TopLevelField = Exclude<keyof PresqueConfig, Section>;
/** Where a setting lands in PresqueConfig: a top-level field, or `section.field`. */
export type FieldPath =
  | TopLevelField
  | `limits.${keyof Limits}`
  | `redis.${keyof RedisTarget}`
  | `auth.${keyof AuthConfig}`
  | `tls.${keyof TlsConfig}`
  | `http.${keyof HttpConfig}`
  | `cors.${keyof CorsConfig}`;

export interface Setting {
  /** YAML key; a dot means a nested map (`limits.max_batch_size` is `limits: {max_batch_size: ...}`). */
  key: string;
  /** Environment variable that overrides the YAML value. */
  env?: string;
  /** Command-line flag that overrides the environment. */
  flag?: keyof ConfigFlags;
  value: ValueParser<unknown>;
  field: FieldPath;
  /** The key is in seconds and the field in milliseconds: the one place config converts. */
  seconds?: true;
}

/** Most server processes one host may ask for; a typo such as 80000 fails instead of forking. */
const maxWorkers = 1024;

/** `workers`: how many server processes share the port; `auto` is one per core this process may use. */
const workerCount: ValueParser<number> = {
  expects: `must be auto or an integer from 1 to ${maxWorkers}`,
  parse(raw) {
    if (raw === "auto") return availableParallelism();
    const count = positiveInteger.parse(raw);
    return count !== undefined && count <= maxWorkers ? count : undefined;
  },
};

/**
 * Every setting presque reads, in the order the README lists them. The YAML keys, the environment
 * variables and the flags are all read through this one table.
 */
export const settings: readonly Setting[] = [
  { key: "host", env: "PRESQUE_HOST", flag: "host", value: nonEmptyString, field: "host" },
  { key: "port", env: "PRESQUE_PORT", flag: "port", value: listenPort, field: "port" },
  { key: "workers", env: "PRESQUE_WORKERS", flag: "workers", value: workerCount, field: "workers" },
  { key: "redis.url", env: "REDIS_URL", value: redisUrl, field: "redis.url" },
  { key: "redis.host", value: nonEmptyString, field: "redis.host" },
  { key: "redis.port", value: redisPort, field: "redis.port" },
  { key: "redis.username", value: nonEmptyString, field: "redis.username" },
  { key: "redis.password", value: nonEmptyString, field: "redis.password" },
  { key: "redis.db", value: nonNegativeInteger, field: "redis.db" },
  { key: "redis.tls_ca", value: nonEmptyString, field: "redis.tlsCa" },
  { key: "redis.tls_cert", value: nonEmptyString, field: "redis.tlsCert" },
  { key: "redis.tls_key", value: nonEmptyString, field: "redis.tlsKey" },
  {
    // Lands beside the target, not in it: setting it alone keeps the managed Redis.
    key: "redis.command_timeout_ms",
    env: "PRESQUE_REDIS_COMMAND_TIMEOUT_MS",
    value: positiveInteger,
    field: "redisCommandTimeoutMs",
  },
  { key: "data_dir", env: "PRESQUE_DATA_DIR", flag: "dataDir", value: nonEmptyString, field: "dataDir" },
  { key: "prefix", env: "PRESQUE_PREFIX", value: keyPrefix, field: "prefix" },
  {
    key: "limits.max_body_bytes",
    env: "PRESQUE_MAX_BODY_BYTES",
    value: positiveInteger,
    field: "limits.maxBodyBytes",
  },
  {
    key: "limits.max_batch_size",
    env: "PRESQUE_MAX_BATCH_SIZE",
    value: positiveInteger,
    field: "limits.maxBatchSize",
  },
  {
    key: "limits.max_queue_name_length",
    env: "PRESQUE_MAX_QUEUE_NAME_LENGTH",
    value: positiveInteger,
    field: "limits.maxQueueNameLength",
  },
  {
    key: "limits.max_wait_seconds",
    env: "PRESQUE_MAX_WAIT_SECONDS",
    value: positiveInteger,
    field: "limits.maxWaitMs",
    seconds: true,
  },
  {
    key: "limits.max_lease_seconds",
    env: "PRESQUE_MAX_LEASE_SECONDS",
    value: positiveInteger,
    field: "limits.maxLeaseMs",
    seconds: true,
  },
  {
    key: "limits.max_payload_depth",
    env: "PRESQUE_MAX_PAYLOAD_DEPTH",
    value: positiveInteger,
    field: "limits.maxPayloadDepth",
  },
  {
    key: "limits.max_connections",
    env: "PRESQUE_MAX_CONNECTIONS",
    value: positiveInteger,
    field: "limits.maxConnections",
  },
  {
    key: "limits.preface_timeout_ms",
    env: "PRESQUE_PREFACE_TIMEOUT_MS",
    value: positiveInteger,
    field: "limits.prefaceTimeoutMs",
  },
  {
    key: "limits.headers_timeout_ms",
    env: "PRESQUE_HEADERS_TIMEOUT_MS",
    value: positiveInteger,
    field: "limits.headersTimeoutMs",
  },
  {
    key: "limits.request_timeout_ms",
    env: "PRESQUE_REQUEST_TIMEOUT_MS",
    value: positiveInteger,
    field: "limits.requestTimeoutMs",
  },
  {
    key: "limits.idle_timeout_ms",
    env: "PRESQUE_IDLE_TIMEOUT_MS",
    value: positiveInteger,
    field: "limits.idleTimeoutMs",
  },
  {
    key: "default_lease_seconds",
    env: "PRESQUE_DEFAULT_LEASE_SECONDS",
    value: positiveInteger,
    field: "defaultLeaseMs",
    seconds: true,
  },
  {
    key: "reaper_interval_ms",
    env: "PRESQUE_REAPER_INTERVAL_MS",
    value: positiveInteger,
    field: "reaperIntervalMs",
  },
  {
    key: "idempotency_window_seconds",
    env: "PRESQUE_IDEMPOTENCY_WINDOW_SECONDS",
    value: positiveInteger,
    field: "idempotencyWindowMs",
    seconds: true,
  },
  {
    key: "log_requests",
    env: "PRESQUE_LOG_REQUESTS",
    value: boolean,
    field: "logRequests",
  },
  {
    key: "strict",
    env: "PRESQUE_STRICT",
    flag: "strict",
    value: boolean,
    field: "strict",
  },
  {
    key: "shutdown_grace_ms",
    env: "PRESQUE_SHUTDOWN_GRACE_MS",
    value: nonNegativeInteger,
    field: "shutdownGraceMs",
  },
  { key: "auth.keys", value: apiKeys, field: "auth.keys" },
  { key: "auth.keys_file", env: "PRESQUE_AUTH_KEYS_FILE", value: nonEmptyString, field: "auth.keysFile" },
  { key: "auth.metrics_open", env: "PRESQUE_METRICS_OPEN", value: boolean, field: "auth.metricsOpen" },
  {
    key: "auth.max_failures",
    env: "PRESQUE_AUTH_MAX_FAILURES",
    value: positiveInteger,
    field: "auth.maxFailures",
  },
  {
    key: "auth.failure_window_seconds",
    env: "PRESQUE_AUTH_FAILURE_WINDOW_SECONDS",
    value: positiveInteger,
    field: "auth.failureWindowMs",
    seconds: true,
  },
  {
    key: "auth.insecure_no_auth",
    env: "PRESQUE_INSECURE_NO_AUTH",
    flag: "insecureNoAuth",
    value: boolean,
    field: "auth.insecureNoAuth",
  },
  { key: "tls.cert", env: "PRESQUE_TLS_CERT", value: nonEmptyString, field: "tls.cert" },
  { key: "tls.key", env: "PRESQUE_TLS_KEY", value: nonEmptyString, field: "tls.key" },
  { key: "tls.client_ca", env: "PRESQUE_TLS_CLIENT_CA", value: nonEmptyString, field: "tls.clientCa" },
  { key: "http.allowed_hosts", env: "PRESQUE_ALLOWED_HOSTS", value: hostNames, field: "http.allowedHosts" },
  {
    key: "cors.allowed_origins",
    env: "PRESQUE_CORS_ALLOWED_ORIGINS",
    value: origins,
    field: "cors.allowedOrigins",
  },
];

/** Writes a checked value into the config. Redis fields merge into the target, creating it if needed. */
export function assign(config: PresqueConfig, field: FieldPath, value: unknown): void {
  const [section, name] = field.split(".") as [string, string | undefined];
  if (name === undefined) Object.assign(config, { [section]: value });
  else if (section === "redis") config.redis = { ...config.redis, [name]: value };
  else Object.assign(config[section as Exclude<Section, "redis">], { [name]: value });
}
