import { parseArgs } from "node:util";
import { ConfigError } from "../config/config-error.ts";
import { loadConfig } from "../config/load-config.ts";
import { createJsonLogger } from "../log.ts";
import { printError, usageError } from "./cli-error.ts";

const help = `Usage: presque serve [options]

Serves presque on one port: REST (/q/, /qb/, /j/, /control/, /status, /stats, /), Connect,
gRPC and gRPC-Web. With no Redis configured it starts and supervises its own redis-server
(append-only file on) in the data dir.

Options:
  --port N          port to listen on (default 5000; 0 picks a free one)       env PRESQUE_PORT
  --host ADDR       interface to listen on (default 127.0.0.1; 0.0.0.0 for all) env PRESQUE_HOST
  --config FILE     YAML config, e.g. presque's original "redis: {host: 127.0.0.1, port: 6379}"
  --data-dir DIR    where the managed redis-server keeps its data (default ./data)
                                                                              env PRESQUE_DATA_DIR
  --insecure-no-auth  listen beyond loopback without API keys (warned about at every start;
                    without it presque refuses)                 env PRESQUE_INSECURE_NO_AUTH
  --strict          refuse to start when Redis may lose jobs (an eviction policy other than
                    noeviction, or no persistence); without it presque only warns
                                                                              env PRESQUE_STRICT
  -h, --help        this text

Environment: REDIS_URL uses that Redis instead of a managed one. Every config key has an
environment override; see README.md ("Configuration").
`;

export async function runServe(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      config: { type: "string" },
      "data-dir": { type: "string" },
      strict: { type: "boolean" },
      "insecure-no-auth": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(help);
    return;
  }
  const log = createJsonLogger();
  let config: ReturnType<typeof loadConfig>;
  const load = () =>
    loadConfig({
      file: values.config,
      env: process.env,
      flags: {
        port: values.port === undefined ? undefined : parsePort(values.port),
        host: values.host,
        dataDir: values["data-dir"],
        strict: values.strict,
        insecureNoAuth: values["insecure-no-auth"],
      },
    });
  try {
    config = load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw usageError(error.message);
  }

  // Loaded only now, so --help and a bad flag answer without loading the whole server.
  const { startPresque } = await import("../app/start-presque.ts");
  const presque = await startPresque(config, log).catch((error: unknown) => {
    // Exit at once: a half-started presque may hold handles that would keep the process alive.
    printError((error as Error).message);
    process.exit(1);
  });
  log.info(`presque listening on ${config.tls.cert ? "https" : "http"}://${config.host}:${presque.port}`, {
    port: presque.port,
    redis: presque.redisDescription,
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    presque.stop().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        log.error("shutdown failed", { error });
        process.exit(1);
      },
    );
  };
  // SIGHUP: the config file (and keys file) again, for API keys and TLS certificates; other
  // settings need a restart. A bad file keeps what is in use and says why.
  process.on("SIGHUP", () => {
    Promise.resolve()
      .then(() => presque.reload(load()))
      .then(
        () => log.info("reloaded (SIGHUP)"),
        (error: unknown) =>
          log.error("reload failed; keeping the keys and certificates in use", {
            error: (error as Error).message,
          }),
      );
  });
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw usageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(text)}`);
  }
  return port;
}
