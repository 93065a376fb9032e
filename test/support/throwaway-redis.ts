import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";

export interface ThrowawayRedis {
  url: string;
  port: number;
  /** "7.0.15", from INFO. */
  version: string;
  stop(): Promise<void>;
}

/**
 * A redis-server of its own for the tests or the benchmark: a free port of 127.0.0.1 (never the
 * machine's 6379), its own temp dir, no persistence. Deliberately independent of src/redis: the
 * fixture must not depend on the code it tests.
 */
export async function startThrowawayRedis(name: string): Promise<ThrowawayRedis> {
  const dir = await mkdtemp(join(tmpdir(), `presque-${name}-redis-`));
  // The port is free when picked but may be taken before redis binds it; then try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      "redis-server",
      [
        ...["--port", String(port), "--bind", "127.0.0.1", "--protected-mode", "yes", "--daemonize", "no"],
        ...["--dir", dir, "--appendonly", "no", "--save", "", "--logfile", join(dir, "redis.log")],
      ],
      { stdio: "ignore" },
    );
    const exited = new AbortController();
    child.on("exit", () => exited.abort());
    child.on("error", () => exited.abort());
    const version = await versionWhenReady(port, exited.signal);
    if (version !== undefined) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        version,
        async stop() {
          await stopChild(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    child.kill("SIGKILL");
    if (attempt === 3) {
      const log = await readFile(join(dir, "redis.log"), "utf8").catch(() => "(no redis.log)");
      await rm(dir, { recursive: true, force: true });
      throw new Error(
        `redis-server did not start (is the Debian package redis-server installed?)\n${log.slice(-2000)}`,
      );
    }
  }
}

async function versionWhenReady(port: number, exited: AbortSignal): Promise<string | undefined> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !exited.aborted) {
    const client = new Redis({
      host: "127.0.0.1",
      port,
      lazyConnect: true,
      retryStrategy: () => null,
      disconnectTimeout: 100, // the 2 s default timer outlives a refused connection
    });
    client.on("error", () => {});
    try {
      await client.connect();
      return /redis_version:(\S+)/.exec(await client.info("server"))?.[1] ?? "unknown";
    } catch {
      await delay(50);
    } finally {
      client.disconnect();
    }
  }
  return undefined;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = once(child, "exit");
  child.kill("SIGTERM"); // nothing to persist, so this is SHUTDOWN NOSAVE in effect
  const killTimer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exit;
  clearTimeout(killTimer);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}
