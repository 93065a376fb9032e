import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config/config.ts";
import { ConfigError } from "../src/config/config-error.ts";
import { loadConfig } from "../src/config/load-config.ts";

const dir = mkdtempSync(join(tmpdir(), "presque-config-test-"));
let fileCount = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function yamlFile(text: string): string {
  const file = join(dir, `presque-${++fileCount}.yaml`);
  writeFileSync(file, text);
  return file;
}

function configError(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("without file, environment or flags, is the defaults", () => {
    expect(loadConfig({ env: {} })).toEqual(defaultConfig);
  });

  it("reads the 2010 seed form of the redis section", () => {
    const file = yamlFile("redis: {host: 127.0.0.1, port: 6379}\n");
    expect(loadConfig({ file, env: {} }).redis).toEqual({ host: "127.0.0.1", port: 6379 });
  });

  it("reads every documented key", () => {
    const file = yamlFile(`
host: 127.0.0.1
port: 8080
workers: 4
redis:
  url: redis://cache:6380/2
  username: presque
  password: hunter2
  db: 3
  tls_ca: /etc/redis/ca.pem
  tls_cert: /etc/redis/client.pem
  tls_key: /etc/redis/client.key
  command_timeout_ms: 1500
data_dir: /var/lib/presque
prefix: "pq:staging"
limits:
  max_body_bytes: 2048
  max_batch_size: 10
  max_queue_name_length: 64
  max_wait_seconds: 20
  max_lease_seconds: 600
  max_payload_depth: 20
  max_connections: 500
  preface_timeout_ms: 1500
  headers_timeout_ms: 4000
  request_timeout_ms: 30000
  idle_timeout_ms: 2000
default_lease_seconds: 45
reaper_interval_ms: 250
shutdown_grace_ms: 0
idempotency_window_seconds: 3600
strict: true
log_requests: false
auth:
  keys:
    - name: billing-worker
      hash: "sha256:${"ab".repeat(32)}"
      scopes: ["consume:billing.*", "produce:mail"]
  keys_file: /etc/presque/keys.yaml
  metrics_open: true
  max_failures: 3
  failure_window_seconds: 30
  insecure_no_auth: true
tls: {cert: /etc/presque/cert.pem, key: /etc/presque/key.pem, client_ca: /etc/presque/ca.pem}
http: {allowed_hosts: [queue.example.com]}
cors: {allowed_origins: ["https://app.example.com"]}
`);
    expect(loadConfig({ file, env: {} })).toEqual({
      host: "127.0.0.1",
      port: 8080,
      workers: 4,
      redis: {
        url: "redis://cache:6380/2",
        username: "presque",
        password: "hunter2",
        db: 3,
        tlsCa: "/etc/redis/ca.pem",
        tlsCert: "/etc/redis/client.pem",
        tlsKey: "/etc/redis/client.key",
      },
      redisCommandTimeoutMs: 1500,
      dataDir: "/var/lib/presque",
      prefix: "pq:staging",
      limits: {
        maxBodyBytes: 2048,
        maxBatchSize: 10,
        maxQueueNameLength: 64,
        maxWaitMs: 20_000,
        maxLeaseMs: 600_000,
        maxPayloadDepth: 20,
        maxConnections: 500,
        prefaceTimeoutMs: 1500,
        headersTimeoutMs: 4000,
        requestTimeoutMs: 30_000,
        idleTimeoutMs: 2000,
      },
      defaultLeaseMs: 45_000,
      reaperIntervalMs: 250,
      shutdownGraceMs: 0,
      idempotencyWindowMs: 3_600_000,
      strict: true,
      logRequests: false,
      auth: {
        keys: [
          {
            name: "billing-worker",
            hash: `sha256:${"ab".repeat(32)}`,
            scopes: ["consume:billing.*", "produce:mail"],
          },
        ],
        keysFile: "/etc/presque/keys.yaml",
        metricsOpen: true,
        maxFailures: 3,
        failureWindowMs: 30_000,
        insecureNoAuth: true,
      },
      tls: { cert: "/etc/presque/cert.pem", key: "/etc/presque/key.pem", clientCa: "/etc/presque/ca.pem" },
      http: { allowedHosts: ["queue.example.com"] },
      cors: { allowedOrigins: ["https://app.example.com"] },
    });
  });

  it("explains a bad API key entry, a lone TLS file and a bad origin", () => {
    const badScope = yamlFile(
      `auth:\n  keys: [{name: w, hash: "sha256:${"ab".repeat(32)}", scopes: ["eat:x"]}]\n`,
    );
    expect(configError(() => loadConfig({ file: badScope, env: {} }))).toBe(
      `${badScope}: auth.keys entry 1: scope "eat:x": unknown verb "eat" (known: produce, consume, read, admin, *)`,
    );
    const badHash = yamlFile("auth:\n  keys: [{name: w, hash: secret, scopes: ['*']}]\n");
    expect(configError(() => loadConfig({ file: badHash, env: {} }))).toMatch(
      /auth.keys entry 1: hash must be "sha256:" and 64 hex digits/,
    );
    expect(configError(() => loadConfig({ env: { PRESQUE_TLS_CERT: "/c.pem" } }))).toMatch(
      /tls.cert and tls.key go together/,
    );
    expect(
      configError(() => loadConfig({ env: { PRESQUE_CORS_ALLOWED_ORIGINS: "https://a.example/x" } })),
    ).toMatch(/PRESQUE_CORS_ALLOWED_ORIGINS must be a list of origins/);
    expect(loadConfig({ env: { PRESQUE_ALLOWED_HOSTS: "a.example, b.example" } }).http.allowedHosts).toEqual([
      "a.example",
      "b.example",
    ]);
  });

  it("keeps defaults for keys the file leaves out, and accepts an empty file", () => {
    const file = yamlFile("limits:\n  max_batch_size: 5\n");
    const config = loadConfig({ file, env: {} });
    expect(config.limits).toEqual({ ...defaultConfig.limits, maxBatchSize: 5 });
    expect(loadConfig({ file: yamlFile("# nothing yet\n"), env: {} })).toEqual(defaultConfig);
  });

  it("lets the environment win over the file", () => {
    const file = yamlFile("port: 8080\nprefix: fromfile\nlimits: {max_batch_size: 5, max_wait_seconds: 9}\n");
    const config = loadConfig({
      file,
      env: {
        PRESQUE_PORT: "9090",
        PRESQUE_MAX_BATCH_SIZE: "7",
        PRESQUE_PREFIX: "",
        REDIS_URL: "redis://r:1",
      },
    });
    expect(config.port).toBe(9090);
    expect(config.limits.maxBatchSize).toBe(7);
    expect(config.limits.maxWaitMs).toBe(9000);
    expect(config.prefix).toBe("fromfile"); // an empty variable counts as unset
    expect(config.redis).toEqual({ url: "redis://r:1" });
  });

  it("lets flags win over the environment", () => {
    const config = loadConfig({
      env: { PRESQUE_PORT: "9090", PRESQUE_HOST: "10.0.0.1", PRESQUE_DATA_DIR: "/env" },
      flags: { port: 7070, dataDir: "/flag" },
    });
    expect(config).toMatchObject({ port: 7070, host: "10.0.0.1", dataDir: "/flag" });
  });

  it("reads workers as a count or auto (one per core), from the file, the environment and the flag", () => {
    expect(loadConfig({ env: {} }).workers).toBe(1);
    expect(loadConfig({ file: yamlFile("workers: auto\n"), env: {} }).workers).toBe(availableParallelism());
    expect(loadConfig({ env: { PRESQUE_WORKERS: "3" } }).workers).toBe(3);
    expect(loadConfig({ env: { PRESQUE_WORKERS: "3" }, flags: { workers: "auto" } }).workers).toBe(
      availableParallelism(),
    );
    expect(configError(() => loadConfig({ env: {}, flags: { workers: "0" } }))).toBe(
      'flag --workers must be auto or an integer from 1 to 1024, got "0"',
    );
    expect(configError(() => loadConfig({ env: { PRESQUE_WORKERS: "all" } }))).toBe(
      'environment variable PRESQUE_WORKERS must be auto or an integer from 1 to 1024, got "all"',
    );
    expect(configError(() => loadConfig({ file: yamlFile("workers: 2000\n"), env: {} }))).toMatch(
      /: workers must be auto or an integer from 1 to 1024, got 2000$/,
    );
  });

  it("reads booleans from the environment and from flags", () => {
    expect(loadConfig({ env: { PRESQUE_STRICT: "true" } }).strict).toBe(true);
    expect(loadConfig({ env: { PRESQUE_STRICT: "1" }, flags: { strict: false } }).strict).toBe(false);
  });

  it("returns a fresh object each time", () => {
    const config = loadConfig({ env: {} });
    config.limits.maxBatchSize = 1;
    expect(loadConfig({ env: {} }).limits.maxBatchSize).toBe(defaultConfig.limits.maxBatchSize);
  });
});

describe("loadConfig rejects bad input with a ConfigError naming the source and key", () => {
  it("an unknown key, listing the known ones", () => {
    const file = yamlFile("limits:\n  max_batch: 5\n");
    expect(configError(() => loadConfig({ file, env: {} }))).toBe(
      `${file}: unknown key "limits.max_batch" (known here: max_body_bytes, max_batch_size, ` +
        "max_queue_name_length, max_wait_seconds, max_lease_seconds, max_payload_depth, max_connections, " +
        "preface_timeout_ms, headers_timeout_ms, request_timeout_ms, idle_timeout_ms)",
    );
    expect(configError(() => loadConfig({ file: yamlFile("reddis: {}\n"), env: {} }))).toMatch(
      /unknown key "reddis" \(known here: host, port, workers, redis, data_dir/,
    );
  });

  it("a wrong type", () => {
    const file = yamlFile('limits:\n  max_batch_size: "x"\n');
    expect(configError(() => loadConfig({ file, env: {} }))).toBe(
      `${file}: limits.max_batch_size must be a positive integer, got "x"`,
    );
    expect(configError(() => loadConfig({ file: yamlFile("host: [a, b]\n"), env: {} }))).toMatch(
      /: host must be a non-empty string, got \["a","b"\]$/,
    );
    expect(configError(() => loadConfig({ file: yamlFile("limits: 5\n"), env: {} }))).toMatch(
      /: limits must be a map, got 5$/,
    );
    expect(configError(() => loadConfig({ env: { PRESQUE_STRICT: "yes" } }))).toBe(
      'environment variable PRESQUE_STRICT must be true or false, got "yes"',
    );
    expect(configError(() => loadConfig({ file: yamlFile("- port\n"), env: {} }))).toMatch(
      /: must be a map of settings, got \["port"\]$/,
    );
  });

  it("a zero or negative limit", () => {
    const zero = yamlFile("limits: {max_wait_seconds: 0}\n");
    expect(configError(() => loadConfig({ file: zero, env: {} }))).toBe(
      `${zero}: limits.max_wait_seconds must be a positive integer, got 0`,
    );
    expect(configError(() => loadConfig({ env: { PRESQUE_MAX_BODY_BYTES: "-1" } }))).toBe(
      'environment variable PRESQUE_MAX_BODY_BYTES must be a positive integer, got "-1"',
    );
    expect(configError(() => loadConfig({ env: { PRESQUE_REAPER_INTERVAL_MS: "1.5" } }))).toMatch(
      /PRESQUE_REAPER_INTERVAL_MS must be a positive integer/,
    );
  });

  it("a port out of range", () => {
    expect(configError(() => loadConfig({ env: {}, flags: { port: 70000 } }))).toBe(
      "flag --port must be a port number (0-65535, 0 picks a free one), got 70000",
    );
    expect(configError(() => loadConfig({ file: yamlFile("redis: {port: 0}\n"), env: {} }))).toMatch(
      /redis.port must be a port number \(1-65535\), got 0$/,
    );
  });

  it("a prefix that could break the key layout", () => {
    expect(configError(() => loadConfig({ env: { PRESQUE_PREFIX: "a{b}" } }))).toMatch(
      /^environment variable PRESQUE_PREFIX must be 1-64 of A-Z a-z 0-9 _ \. : -, got "a\{b\}"$/,
    );
  });

  it("a redis URL of another scheme", () => {
    expect(configError(() => loadConfig({ env: { REDIS_URL: "http://cache:6379" } }))).toBe(
      'environment variable REDIS_URL must be a redis:// or rediss:// URL, got "http://cache:6379"',
    );
  });

  it("a default lease longer than the longest lease allowed", () => {
    const file = yamlFile("default_lease_seconds: 100\nlimits: {max_lease_seconds: 50}\n");
    expect(configError(() => loadConfig({ file, env: {} }))).toBe(
      "default_lease_seconds (100) must not exceed limits.max_lease_seconds (50)",
    );
  });

  it("an unreadable file", () => {
    const file = join(dir, "missing.yaml");
    expect(configError(() => loadConfig({ file, env: {} }))).toMatch(
      new RegExp(`^${file}: cannot read: ENOENT`),
    );
  });

  it("a file that is not YAML, with the line", () => {
    const file = yamlFile("port: 8080\nlimits: {max_batch_size: 5\n");
    expect(configError(() => loadConfig({ file, env: {} }))).toMatch(
      new RegExp(`^${file}: invalid YAML: .* at line 3, column 1`, "s"),
    );
  });

  it("a key given twice", () => {
    const file = yamlFile("port: 1\nport: 2\n");
    expect(configError(() => loadConfig({ file, env: {} }))).toMatch(/invalid YAML: .*unique/is);
  });
});
