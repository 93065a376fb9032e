import cluster, { type Worker } from "node:cluster";
import type { Logger } from "../log.ts";
import { isWorkerMessage, type StartMessage, type WorkerMessage } from "./cluster-messages.ts";

type ReadyMessage = Extract<WorkerMessage, { type: "ready" }>;

export interface WorkerSlot {
  /** Forks the worker; resolves once it serves, rejects if it exits or stays silent first. */
  start(): Promise<ReadyMessage>;
  /** Sends a signal to the worker if it is serving (SIGHUP: reload). */
  signal(name: NodeJS.Signals): void;
  /** Stops replacing it, sends SIGTERM, SIGKILL after `killAfterMs`; resolves once it is gone. */
  stop(killAfterMs: number): Promise<void>;
}

const firstBackoffMs = 200;
const maxBackoffMs = 5_000;
/** A worker that served this long before dying is replaced quickly again, not after the grown backoff. */
const stableAfterMs = 10_000;

/**
 * One place in the cluster: a worker process with a fixed number. Once started, a worker that
 * exits (crash, kill, a failed start) is replaced by a new one with the same number and start
 * message, after a backoff that doubles up to 5 s, as the managed redis-server is restarted.
 */
export function createWorkerSlot(options: {
  start: StartMessage;
  log: Logger;
  /** A worker that has not said ready within this long is killed (and, once supervised, replaced). */
  readyTimeoutMs: number;
}): WorkerSlot {
  const { start, log } = options;
  const name = `worker ${start.worker}`;
  let worker: Worker | undefined;
  let serving = false;
  let supervising = false;
  let stopped = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let backoffMs = firstBackoffMs;

  const fork = () =>
    new Promise<ReadyMessage>((resolve, reject) => {
      const startedAt = Date.now();
      const child = cluster.fork();
      const pid = child.process.pid;
      worker = child;
      serving = false;
      let timedOut = false;
      const readyTimer = setTimeout(() => {
        timedOut = true;
        child.process.kill("SIGKILL");
      }, options.readyTimeoutMs);
      child.on("message", (message: unknown) => {
        if (!isWorkerMessage(message)) return;
        if (message.type === "hello") child.send(start);
        else {
          clearTimeout(readyTimer);
          serving = true;
          resolve(message);
        }
      });
      // e.g. a send on a channel that just closed; the exit that follows is what counts
      child.on("error", (error) => log.warn(`${name}: ${error.message}`, { worker: start.worker, pid }));
      child.once("exit", (code, signal) => {
        clearTimeout(readyTimer);
        if (worker === child) {
          worker = undefined;
          serving = false;
        }
        const reason = timedOut
          ? `not ready within ${options.readyTimeoutMs} ms`
          : signal
            ? `signal ${signal}`
            : `exit code ${code}`;
        reject(new Error(`${name} (pid ${pid}) exited before serving (${reason})`)); // no-op once ready
        if (!supervising) return;
        if (Date.now() - startedAt >= stableAfterMs) backoffMs = firstBackoffMs;
        scheduleRestart(`${name} (pid ${pid}) exited (${reason})`, pid);
      });
    });

  const scheduleRestart = (why: string, pid: number | undefined) => {
    log.warn(`${why}; replacing it in ${backoffMs} ms`, { worker: start.worker, pid });
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      fork().then(
        () => log.info(`${name} replaced`, { worker: start.worker, pid: worker?.process.pid }),
        () => {}, // its exit has scheduled the next attempt
      );
    }, backoffMs);
    backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
  };

  return {
    async start() {
      const ready = await fork();
      supervising = !stopped; // a stop() that came while it started wins
      return ready;
    },
    signal(signalName) {
      if (serving) worker?.process.kill(signalName);
    },
    async stop(killAfterMs) {
      stopped = true;
      supervising = false;
      clearTimeout(restartTimer);
      const child = worker;
      if (child === undefined || child.isDead()) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.process.kill("SIGTERM");
      const killTimer = setTimeout(() => child.process.kill("SIGKILL"), killAfterMs);
      await exited;
      clearTimeout(killTimer);
    },
  };
}
