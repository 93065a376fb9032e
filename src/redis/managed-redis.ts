import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { waitForRedis } from "../engine/store/wait-for-redis.ts";
import { claimDataDir } from "./data-dir-lock.ts";
import { findRedisServer } from "./find-redis-server.ts";
import { freePort } from "./free-port.ts";
import { withParentDeathSignal } from "./parent-death-signal.ts";
import { removePasswordConfigFile, writePasswordConfigFile } from "./password-config-file.ts";
import { readLogTail } from "./read-log-tail.ts";

/**
 * Where to reach the server, and its password when one is required; spread it into ioredis options:
 * `new Redis({ ...managed.connection })`.
 */
export type RedisConnection = ({ path: string } | { host: string; port: number }) & { password?: string };

export interface ManagedRedis {
  connection: RedisConnection;
  /** One line for the startup log: where it listens and where its data lives. */
  describe: string;
  /** Stops supervising, shuts redis-server down cleanly (AOF flushed) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface ManagedRedisOptions {
  /** Holds the append-only files, redis.log, redis.pid and redis.sock. Created if missing. */
  dataDir: string;
  /** Receives supervision events: unexpected exits and restarts. Default: stderr. */
  log?: (message: string) => void;
  /** The redis-server binary. Default: found on PATH, then in /usr/sbin and /usr/bin. */
  redisServerPath?: string;
  /**
   * Start redis-server with a new random password (in `connection.password`, kept across
   * restarts). presque asks for it when it listens beyond loopback. Default: false.
   */
  requirePassword?: boolean;
}

const readyTimeoutMs = 10_000;
const stopTimeoutMs = 5_000;
const firstBackoffMs = 200;
const maxBackoffMs = 5_000;
/** A server that ran this long before dying is restarted quickly again, not after the grown backoff. */
const stableAfterMs = 10_000;
/** sun_path holds 108 bytes on Linux (104 on BSDs); longer paths fall back to TCP. */
const maxSocketPathBytes = 100;

/**
 * Starts a redis-server that keeps its data in `dataDir` (AOF, fsync every second, no eviction, local
 * connections only), waits until it answers PING, and restarts it with a backoff whenever it exits
 * unexpectedly. The connection stays the same across restarts, so ioredis clients just reconnect.
 */
export async function startManagedRedis(options: ManagedRedisOptions): Promise<ManagedRedis> {
  const log = options.log ?? ((message: string) => console.error(`presque: ${message}`));
  const binary = await findRedisServer(options.redisServerPath);
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });

  const socket = join(dataDir, "redis.sock");
  const useSocket = Buffer.byteLength(socket) <= maxSocketPathBytes;
  const files = { pidFile: join(dataDir, "redis.pid"), socket: useSocket ? socket : undefined };
  const logFile = join(dataDir, "redis.log");
  await claimDataDir(dataDir, files);
  await removePasswordConfigFile(dataDir);
  const secured = options.requirePassword ? await writePasswordConfigFile(dataDir) : undefined;

  const place = useSocket ? { path: socket } : { host: "127.0.0.1", port: await freePort() };
  const connection: RedisConnection = secured ? { ...place, password: secured.password } : place;
  const listenArgs =
    "path" in connection
      ? ["--port", "0", "--unixsocket", connection.path, "--unixsocketperm", "700"]
      : ["--port", String(connection.port)];
  const launch = await withParentDeathSignal(binary, [
    // The config file (its password) comes first: redis-server reads a file only as the first argument.
    ...(secured ? [secured.path] : []),
    ...["--daemonize", "no", "--dir", dataDir, "--logfile", logFile, "--pidfile", files.pidFile],
    ...["--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
    ...["--maxmemory-policy", "noeviction", "--protected-mode", "yes", "--bind", "127.0.0.1"],
    ...listenArgs,
  ]);

  let child: ChildProcess | undefined;
  let childExited = new AbortController();
  let supervising = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let backoffMs = firstBackoffMs;
  let stopping: Promise<void> | undefined;
  let stderrTail = "";

  function spawnServer(): ChildProcess {
    const startedAt = Date.now();
    const exited = new AbortController();
    const proc = spawn(launch.command, launch.args, {
      stdio: ["ignore", "ignore", "pipe"],
      detached: launch.detached,
    });
    child = proc;
    childExited = exited;
    // Errors before redis.log is open (bad arguments, setpriv failing to exec) only go to stderr.
    proc.stderr?.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-2000);
    });
    const onExit = (reason: string) => {
      if (exited.signal.aborted) return; // "error" and "exit" can both fire
      exited.abort(new Error(`redis-server exited (${reason})`));
      if (child === proc) child = undefined;
      if (!supervising) return;
      if (Date.now() - startedAt >= stableAfterMs) backoffMs = firstBackoffMs;
      scheduleRestart(`redis-server (pid ${proc.pid}) exited unexpectedly (${reason})`);
    };
    proc.on("exit", (code, signal) => onExit(signal ?? `exit code ${code}`));
    proc.on("error", (error) => onExit(error.message));
    return proc;
  }

  function scheduleRestart(why: string): void {
    if (!supervising) return;
    log(`${why}; restarting in ${backoffMs} ms`);
    restartTimer = setTimeout(() => {
      restart().catch((error) => scheduleRestart(`cannot restart redis-server: ${(error as Error).message}`));
    }, backoffMs);
    backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
  }

  async function restart(): Promise<void> {
    restartTimer = undefined;
    await claimDataDir(dataDir, files);
    if (!supervising) return; // stop() was called while we were checking
    const proc = spawnServer();
    const exited = childExited.signal;
    try {
      await waitForRedis(connection, { timeoutMs: readyTimeoutMs, signal: exited });
      log(`redis-server restarted (pid ${proc.pid})`);
    } catch (error) {
      if (exited.aborted || !supervising) return; // its exit handler has scheduled the next attempt
      log(
        `restarted redis-server (pid ${proc.pid}) does not answer, killing it: ${(error as Error).message}`,
      );
      proc.kill("SIGKILL");
    }
  }

  async function shutDown(): Promise<void> {
    supervising = false;
    clearTimeout(restartTimer);
    const proc = child;
    if (proc !== undefined) {
      const exited = childExited.signal;
      // SIGTERM runs the same shutdown as the SHUTDOWN command: fsync the AOF, remove socket and pid file.
      proc.kill("SIGTERM");
      const killTimer = setTimeout(() => proc.kill("SIGKILL"), stopTimeoutMs);
      if (!exited.aborted) await once(exited, "abort");
      clearTimeout(killTimer);
    }
    // The password is new at every start, so the file is of no use once the server is gone.
    await removePasswordConfigFile(dataDir);
  }

  const proc = spawnServer();
  try {
    await waitForRedis(connection, { timeoutMs: readyTimeoutMs, signal: childExited.signal });
  } catch (error) {
    proc.kill("SIGKILL");
    await removePasswordConfigFile(dataDir);
    const logTail = await readLogTail(logFile);
    throw new Error(
      `redis-server did not start: ${(error as Error).message}` +
        (stderrTail.trim() === "" ? "" : `\n--- its stderr ---\n${stderrTail.trimEnd()}`) +
        (logTail === "" ? "" : `\n--- end of ${logFile} ---\n${logTail}`),
    );
  }
  supervising = true;

  const where = "path" in connection ? connection.path : `${connection.host}:${connection.port}`;
  return {
    connection,
    describe: `managed redis-server on ${where}${secured ? " (password required)" : ""}, data in ${dataDir}`,
    stop: () => {
      stopping ??= shutDown();
      return stopping;
    },
  };
}
