import type { PresqueConfig } from "../config/config.ts";
import type { Logger } from "../log.ts";
import { isStartMessage, type StartMessage, type WorkerMessage } from "./cluster-messages.ts";
import { type RunningPresque, startPresque } from "./start-presque.ts";

/** The primary answers hello at once; past this it is gone or stuck. */
const startMessageTimeoutMs = 10_000;

/**
 * A worker of `presque serve --workers N`: asks the primary what it is (its number, whether it
 * runs the background loops, the managed Redis to use), starts presque on the shared port and
 * says ready. Its log lines carry `worker` and `pid`, so a request line tells which process served.
 * If the primary dies, node:cluster ends the worker at once (its IPC channel closes).
 */
export async function startClusterWorker(
  config: PresqueConfig,
  log: Logger,
): Promise<{ presque: RunningPresque; log: Logger }> {
  const start = await startMessage();
  const workerLog = labelledLogger(log, { worker: start.worker, pid: process.pid });
  const presque = await startPresque(config, workerLog, {
    background: start.background,
    ...(start.sharedRedis && { sharedRedis: start.sharedRedis }),
  });
  // Logged before the primary hears of it, so this line precedes the primary's "listening" line.
  workerLog.info(`worker ${start.worker} serving`, { background: start.background });
  send({ type: "ready", port: presque.port, redis: presque.redisDescription });
  return { presque, log: workerLog };
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

function startMessage(): Promise<StartMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off("message", onMessage);
      reject(new Error(`no start message from the cluster's primary within ${startMessageTimeoutMs} ms`));
    }, startMessageTimeoutMs);
    function onMessage(message: unknown) {
      if (!isStartMessage(message)) return;
      clearTimeout(timer);
      process.off("message", onMessage);
      resolve(message);
    }
    process.on("message", onMessage);
    send({ type: "hello" });
  });
}

/** Adds fixed fields to every line (pino's own `pid` is off: one process needs none). */
function labelledLogger(log: Logger, labels: Record<string, unknown>): Logger {
  return {
    info: (message, fields) => log.info(message, { ...labels, ...fields }),
    warn: (message, fields) => log.warn(message, { ...labels, ...fields }),
    error: (message, fields) => log.error(message, { ...labels, ...fields }),
  };
}
