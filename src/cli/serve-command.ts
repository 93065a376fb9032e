import cluster from "node:cluster";
import { parseArgs } from "node:util";
import type { RunningPresque } from "../app/start-presque.ts";
import type { PresqueConfig } from "../config/config.ts";
import { ConfigError } from "../config/config-error.ts";
import { loadConfig } from "../config/load-config.ts";
import { createJsonLogger, type Logger } from "../log.ts";
import { printError, usageError } from "./cli-error.ts";

const help = `Usage: presque serve [options]

Serves presque on one port: REST (/q/, /qb/, /j/, /control/, /status, /stats, /), Connect,
gRPC and gRPC-Web. With no Redis configured it starts and supervises its own redis-server
(append-only file on) in the data dir.

Options:
  --port N          port to listen on (default 5000; 0 picks a free one)       env PRESQUE_PORT
  --host ADDR       interface to listen on (default 127.0.0.1; 0.0.0.0 for all) env PRESQUE_HOST
  --workers N       server processes sharing the port (default 1; auto: one per core). Worker 1
                    runs the background loops (reaper, schedules); a worker that dies is
                    replaced                                                  env PRESQUE_WORKERS
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
      workers: { type: "string" },
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
  let config: PresqueConfig;
  const load = () =>
    loadConfig({
      file: values.config,
      env: process.env,
      flags: {
        port: values.port === undefined ? undefined : parsePort(values.port),
        host: values.host,
        workers: values.workers,
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
  const served = await startServing(config, load, log).catch((error: unknown) => {
    // Exit at once: a half-started presque may hold handles that would keep the process alive.
    printError((error as Error).message);
    process.exit(1);
  });
  if (served.announce) {
    log.info(`presque listening on ${config.tls.cert ? "https" : "http"}://${config.host}:${served.port}`, {
      port: served.port,
      redis: served.redisDescription,
      ...(config.workers > 1 && { workers: config.workers }),
    });
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    served.log.info("shutting down", { signal });
    served.stop().then(
      () => {
        served.log.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        served.log.error("shutdown failed", { error });
        process.exit(1);
      },
    );
  };
  process.on("SIGHUP", served.reload);
  // A worker often gets two (the terminal's Ctrl-C reaches the whole process group, then its
  // primary forwards SIGTERM): the second must not end it mid-shutdown by the default action.
  const listen = cluster.isWorker ? "on" : "once";
  process[listen]("SIGTERM", () => stop("SIGTERM"));
  process[listen]("SIGINT", () => stop("SIGINT"));
}

/** What serve runs: presque in this process, one worker of a cluster, or the cluster's primary. */
interface Served {
  port: number;
  redisDescription: string;
  /** Whether this process says "presque listening" (a worker leaves it to its primary). */
  announce: boolean;
  /** The logger of this process (a worker's lines carry its number and pid). */
  log: Logger;
  /** On SIGHUP. */
  reload(): void;
  stop(): Promise<void>;
}

async function startServing(config: PresqueConfig, load: () => PresqueConfig, log: Logger): Promise<Served> {
  if (cluster.isWorker) {
    const { startClusterWorker } = await import("../app/cluster-worker.ts");
    const worker = await startClusterWorker(config, log);
    return { ...inProcess(worker.presque, load, worker.log), announce: false };
  }
  if (config.workers > 1) {
    const { startCluster } = await import("../app/cluster-primary.ts");
    const primary = await startCluster(config, log);
    return {
      port: primary.port,
      redisDescription: primary.redisDescription,
      announce: true,
      log,
      // Each worker reloads and logs the outcome; the primary holds no keys or certificates.
      reload: primary.reload,
      stop: primary.stop,
    };
  }
  const { startPresque } = await import("../app/start-presque.ts");
  return { ...inProcess(await startPresque(config, log), load, log), announce: true };
}

function inProcess(
  presque: RunningPresque,
  load: () => PresqueConfig,
  log: Logger,
): Omit<Served, "announce"> {
  return {
    port: presque.port,
    redisDescription: presque.redisDescription,
    log,
    // SIGHUP: the config file (and keys file) again, for API keys and TLS certificates; other
    // settings need a restart. A bad file keeps what is in use and says why.
    reload() {
      Promise.resolve()
        .then(() => presque.reload(load()))
        .then(
          () => log.info("reloaded (SIGHUP)"),
          (error: unknown) =>
            log.error("reload failed; keeping the keys and certificates in use", {
              error: (error as Error).message,
            }),
        );
    },
    stop: () => presque.stop(),
  };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw usageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(text)}`);
  }
  return port;
}
