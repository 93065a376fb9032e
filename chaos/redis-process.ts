import { join } from "node:path";
import { waitForRedis } from "../src/engine/store/wait-for-redis.ts";
import { findRedisServer } from "../src/redis/find-redis-server.ts";
import { freePort } from "../src/redis/free-port.ts";
import type { Proc, Processes } from "./processes.ts";

export type Fsync = "always" | "everysec";

/** The run's own redis-server: AOF on with the chosen fsync, on a free port of 127.0.0.1. */
export interface RedisProcess {
  port: number;
  current(): Proc;
  /** Starts it again on the same port and data dir (it reloads its AOF), once it answers PING. */
  restart(): Promise<void>;
}

export async function startRedis(procs: Processes, dir: string, fsync: Fsync): Promise<RedisProcess> {
  const binary = await findRedisServer();
  const port = await freePort();
  const args = [
    ...["--port", String(port), "--bind", "127.0.0.1", "--protected-mode", "yes", "--daemonize", "no"],
    ...["--dir", dir, "--appendonly", "yes", "--appendfsync", fsync, "--save", ""],
    ...["--maxmemory-policy", "noeviction", "--logfile", join(dir, "redis.log")],
  ];
  let proc: Proc;
  const start = async () => {
    proc = procs.spawn("redis", binary, args, join(dir, "redis.out"));
    const exited = new AbortController();
    void proc.exited.then(() => exited.abort(new Error("redis-server exited at start")));
    await waitForRedis({ host: "127.0.0.1", port }, { timeoutMs: 10_000, signal: exited.signal });
  };
  await start();
  return { port, current: () => proc, restart: start };
}
