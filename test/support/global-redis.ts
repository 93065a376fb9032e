import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** A throwaway redis-server shared by the whole run; tests isolate themselves by key prefix. */
    redisUrl: string;
  }
}

/*
 * One real redis-server for the whole test run, on a free port of 127.0.0.1 (never the machine's
 * 6379), without persistence, in its own temp dir. Deliberately independent of src/redis: the fixture
 * must not depend on the code it tests.
 */
export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), "presque-test-redis-"));
  const server = await startServer(dir);
  provide("redisUrl", `redis://127.0.0.1:${server.port}`);
  return async () => {
    await stopServer(server.process);
    await rm(dir, { recursive: true, force: true });
  };
}

async function startServer(dir: string): Promise<{ process: ChildProcess; port: number }> {
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
    if (await answersPing(port, exited.signal)) return { process: child, port };
    child.kill("SIGKILL");
    if (attempt === 3) {
      const log = await readFile(join(dir, "redis.log"), "utf8").catch(() => "(no redis.log)");
      throw new Error(`test redis-server did not start (is redis-server installed?)\n${log.slice(-2000)}`);
    }
  }
}

async function answersPing(port: number, exited: AbortSignal): Promise<boolean> {
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
      await client.ping();
      return true;
    } catch {
      await delay(50);
    } finally {
      client.disconnect();
    }
  }
  return false;
}

async function stopServer(child: ChildProcess): Promise<void> {
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
