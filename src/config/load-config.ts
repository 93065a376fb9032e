import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { defaultConfig, type PresqueConfig } from "./config.ts";
import { ConfigError } from "./config-error.ts";
import { assign, type ConfigFlags, type Setting, settings } from "./settings.ts";
import { showValue } from "./value-parsers.ts";

/*
 * The YAML file (every key optional; a key it does not know is an error):
 *
 *   host: 127.0.0.1              # PRESQUE_HOST, --host (0.0.0.0: every interface)
 *   port: 5000                   # PRESQUE_PORT, --port
 *   workers: 1                   # PRESQUE_WORKERS, --workers (auto: one per core)
 *   redis:                       # absent: presque runs its own redis-server in data_dir
 *     url: redis://h:6379/0      # REDIS_URL; wins over host/port
 *     host: 127.0.0.1
 *     port: 6379
 *     password: secret
 *     db: 0
 *   data_dir: ./data             # PRESQUE_DATA_DIR, --data-dir (relative to the working directory)
 *   prefix: presque              # PRESQUE_PREFIX
 *   limits:
 *     max_body_bytes: 1048576    # PRESQUE_MAX_BODY_BYTES
 *     max_batch_size: 1000       # PRESQUE_MAX_BATCH_SIZE
 *     max_queue_name_length: 128 # PRESQUE_MAX_QUEUE_NAME_LENGTH
 *     max_wait_seconds: 60       # PRESQUE_MAX_WAIT_SECONDS
 *     max_lease_seconds: 43200   # PRESQUE_MAX_LEASE_SECONDS
 *   default_lease_seconds: 30    # PRESQUE_DEFAULT_LEASE_SECONDS
 *   reaper_interval_ms: 100      # PRESQUE_REAPER_INTERVAL_MS
 *   shutdown_grace_ms: 10000     # PRESQUE_SHUTDOWN_GRACE_MS
 *   idempotency_window_seconds: 86400  # PRESQUE_IDEMPOTENCY_WINDOW_SECONDS
 *   strict: false                # PRESQUE_STRICT, --strict
 *   log_requests: true           # PRESQUE_LOG_REQUESTS: one log line per request
 *   auth:                        # README "Security"
 *     keys: [{name: w, hash: "sha256:...", scopes: ["consume:billing.*"]}]
 *     keys_file: keys.yaml       # PRESQUE_AUTH_KEYS_FILE; re-read on SIGHUP
 *     metrics_open: false        # PRESQUE_METRICS_OPEN
 *     max_failures: 10           # PRESQUE_AUTH_MAX_FAILURES, per address and window
 *     failure_window_seconds: 60 # PRESQUE_AUTH_FAILURE_WINDOW_SECONDS
 *     insecure_no_auth: false    # PRESQUE_INSECURE_NO_AUTH, --insecure-no-auth
 *   tls: {cert: c.pem, key: k.pem, client_ca: ca.pem}  # PRESQUE_TLS_CERT, _KEY, _CLIENT_CA
 *   http: {allowed_hosts: [queue.example.com]}         # PRESQUE_ALLOWED_HOSTS (a,b)
 *   cors: {allowed_origins: [https://app.example.com]} # PRESQUE_CORS_ALLOWED_ORIGINS
 *
 * An empty environment variable counts as unset.
 */

export interface LoadConfigOptions {
  /** YAML file to read. Omitted: defaults, environment and flags only. */
  file?: string;
  /** Environment to read PRESQUE_* and REDIS_URL from. Omitted: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Command-line flags; they win over everything else. */
  flags?: ConfigFlags;
}

/** Merges defaults < YAML file < environment < flags, or throws a ConfigError naming the bad key. */
export function loadConfig(options: LoadConfigOptions = {}): PresqueConfig {
  const config = structuredClone(defaultConfig);
  if (options.file !== undefined) applyFile(config, options.file);
  applyEnv(config, options.env ?? process.env);
  applyFlags(config, options.flags ?? {});
  if (config.defaultLeaseMs > config.limits.maxLeaseMs) {
    // In the keys' own unit, as the user wrote them.
    throw new ConfigError(
      `default_lease_seconds (${config.defaultLeaseMs / 1000}) must not exceed ` +
        `limits.max_lease_seconds (${config.limits.maxLeaseMs / 1000})`,
    );
  }
  const { tls } = config;
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new ConfigError("tls.cert and tls.key go together: give both (PEM files) or neither");
  }
  if (tls.clientCa !== undefined && tls.cert === undefined) {
    throw new ConfigError(
      "tls.client_ca needs tls.cert and tls.key (client certificates are checked over TLS)",
    );
  }
  return config;
}

const settingsByKey = new Map(settings.map((setting) => [setting.key, setting]));

function applySetting(config: PresqueConfig, setting: Setting, raw: unknown, where: string): void {
  const value = setting.value.parse(raw);
  if (value === undefined) {
    const why = setting.value.explain?.(raw) ?? `${setting.value.expects}, got ${showValue(raw)}`;
    throw new ConfigError(`${where} ${why}`);
  }
  assign(config, setting.field, setting.seconds ? (value as number) * 1000 : value);
}

function applyFile(config: PresqueConfig, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`${file}: cannot read: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${file}: invalid YAML: ${(error as Error).message}`);
  }
  // An empty file (or one holding only comments) parses to null and sets nothing.
  if (document === null || document === undefined) return;
  if (!isMap(document)) {
    throw new ConfigError(`${file}: must be a map of settings, got ${showValue(document)}`);
  }
  applyMap(config, file, document, "");
}

/** Walks one YAML map; `path` is the dotted key of the map itself ("" for the top). */
function applyMap(config: PresqueConfig, file: string, map: Record<string, unknown>, path: string): void {
  for (const [name, raw] of Object.entries(map)) {
    const key = path + name;
    const setting = settingsByKey.get(key);
    if (setting !== undefined) {
      applySetting(config, setting, raw, `${file}: ${key}`);
    } else if (settings.some((candidate) => candidate.key.startsWith(`${key}.`))) {
      if (raw === null) continue; // `limits:` with nothing under it
      if (!isMap(raw)) throw new ConfigError(`${file}: ${key} must be a map, got ${showValue(raw)}`);
      applyMap(config, file, raw, `${key}.`);
    } else {
      throw new ConfigError(`${file}: unknown key "${key}" (known here: ${knownKeys(path).join(", ")})`);
    }
  }
}

/** The keys a map at `path` may hold, sections included once. */
function knownKeys(path: string): string[] {
  const names = settings
    .filter((setting) => setting.key.startsWith(path))
    .map((setting) => setting.key.slice(path.length).split(".")[0] ?? "");
  return [...new Set(names)];
}

function applyEnv(config: PresqueConfig, env: NodeJS.ProcessEnv): void {
  for (const setting of settings) {
    if (setting.env === undefined) continue;
    const raw = env[setting.env];
    if (raw === undefined || raw === "") continue;
    applySetting(config, setting, raw, `environment variable ${setting.env}`);
  }
}

function applyFlags(config: PresqueConfig, flags: ConfigFlags): void {
  for (const setting of settings) {
    if (setting.flag === undefined) continue;
    const raw = flags[setting.flag];
    if (raw === undefined) continue;
    const flagName = setting.flag.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    applySetting(config, setting, raw, `flag --${flagName}`);
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
