import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ManagedRedis, startManagedRedis } from "../src/redis/managed-redis.ts";

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(name = "data"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "presque-managed-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, name);
}

async function start(dataDir: string, log?: (message: string) => void): Promise<ManagedRedis> {
  const redis = await startManagedRedis({ dataDir, log: log ?? (() => {}) });
  cleanups.push(() => redis.stop());
  return redis;
}

function connect(redis: ManagedRedis): Redis {
  const client = new Redis({ ...redis.connection, retryStrategy: () => 50 });
  client.on("error", () => {}); // connection errors while redis-server restarts are expected
  cleanups.push(async () => client.disconnect());
  return client;
}

async function serverPid(client: Redis): Promise<number> {
  const info = await client.info("server");
  return Number(/process_id:(\d+)/.exec(info)?.[1]);
}

describe("startManagedRedis", () => {
  it("listens on a private unix socket in the data dir, and removes it on stop()", async () => {
    const dataDir = await tempDir();
    const redis = await start(dataDir);
    const socket = join(dataDir, "redis.sock");
    expect(redis.connection).toEqual({ path: socket });
    expect(statSync(socket).mode & 0o777).toBe(0o700);
    expect(await connect(redis).config("GET", "appendonly")).toEqual(["appendonly", "yes"]);
    await redis.stop();
    expect(existsSync(socket)).toBe(false);
  });

  it("keeps data written before stop() when started again on the same data dir", async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir);
    const writer = connect(first);
    await writer.set("greeting", "bonjour");
    await writer.rpush("list", "a", "b");
    writer.disconnect();
    await first.stop();

    const reader = connect(await start(dataDir));
    expect(await reader.get("greeting")).toBe("bonjour");
    expect(await reader.lrange("list", 0, -1)).toEqual(["a", "b"]);
  });

  it("restarts redis-server after it is killed, on the same connection", async () => {
    const messages: string[] = [];
    const redis = await start(await tempDir(), (message) => messages.push(message));
    const client = connect(redis);
    const killedPid = await serverPid(client);

    process.kill(killedPid, "SIGKILL");

    await vi.waitFor(async () => expect(await serverPid(client)).not.toBe(killedPid), {
      timeout: 10_000,
      interval: 50,
    });
    expect(await client.ping()).toBe("PONG");
    await vi.waitFor(() => expect(messages.some((m) => m.includes("restarted"))).toBe(true));
    expect(messages[0]).toMatch(new RegExp(`pid ${killedPid}\\) exited unexpectedly \\(SIGKILL\\)`));
  });

  it("uses a free TCP port on 127.0.0.1 when the socket path would be too long", async () => {
    const redis = await start(await tempDir("d".repeat(100)));
    expect(redis.connection).toMatchObject({ host: "127.0.0.1" });
    expect(redis.connection).not.toMatchObject({ port: 6379 });
    expect(await connect(redis).ping()).toBe("PONG");
  });

  it("starts after a crash left a socket file and a pid file behind", async () => {
    const dataDir = await tempDir();
    await start(dataDir).then((redis) => redis.stop());
    const deadPid = spawnSync("true").pid;
    await writeFile(join(dataDir, "redis.pid"), `${deadPid}\n`);
    await writeFile(join(dataDir, "redis.sock"), "left over");

    expect(await connect(await start(dataDir)).ping()).toBe("PONG");
  });

  it("refuses a data dir that a running redis-server already uses", async () => {
    const dataDir = await tempDir();
    await start(dataDir);
    await expect(startManagedRedis({ dataDir })).rejects.toThrow(
      /redis-server \(pid \d+\) is already running/,
    );
  });

  it("says how to get redis-server when the binary is missing", async () => {
    await expect(
      startManagedRedis({ dataDir: await tempDir(), redisServerPath: "/nonexistent/redis-server" }),
    ).rejects.toThrow(
      'redis-server not found: install the Debian package "redis-server" (apt-get install redis-server) ' +
        "or point presque at a Redis with --config or REDIS_URL",
    );
  });
});
