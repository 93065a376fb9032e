import { existsSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isLoopbackHost } from "../src/app/loopback.ts";
import {
  createRedisClient,
  createSubscriberClient,
  firstPing,
} from "../src/engine/store/redis-connection.ts";
import { type ManagedRedis, startManagedRedis } from "../src/redis/managed-redis.ts";

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startWithPassword(dirName = "data"): Promise<{ redis: ManagedRedis; dataDir: string }> {
  const parent = await mkdtemp(join(tmpdir(), "presque-managed-password-"));
  cleanups.push(() => rm(parent, { recursive: true, force: true }));
  const dataDir = join(parent, dirName);
  const redis = await startManagedRedis({ dataDir, log: () => {}, requirePassword: true });
  cleanups.push(() => redis.stop());
  return { redis, dataDir };
}

/** A client of the managed server; `null`: without a password, else this one or the server's. */
function connect(redis: ManagedRedis, password: string | null = redis.connection.password ?? null): Redis {
  const where = redis.connection;
  const place = "path" in where ? { path: where.path } : { host: where.host, port: where.port };
  const client = new Redis({ ...place, ...(password === null ? {} : { password }), retryStrategy: () => 50 });
  client.on("error", () => {}); // refused AUTH and restarts are what some tests look at
  cleanups.push(async () => client.disconnect());
  return client;
}

async function serverPid(client: Redis): Promise<number> {
  return Number(/process_id:(\d+)/.exec(await client.info("server"))?.[1]);
}

describe("startManagedRedis with requirePassword", () => {
  it("refuses a connection without the password (NOAUTH) and serves one with it", async () => {
    const { redis } = await startWithPassword();

    expect(redis.connection.password).toMatch(/^[0-9a-f]{64}$/);
    await expect(connect(redis, null).ping()).rejects.toThrow(/NOAUTH/);
    await expect(connect(redis, "not-the-password").ping()).rejects.toThrow(/WRONGPASS/);
    expect(await connect(redis).ping()).toBe("PONG");
    expect(redis.describe).toContain("password required");
    expect(redis.describe).not.toContain(redis.connection.password);
  });

  it("keeps the password off redis-server's command line, in a file only its owner can read", async () => {
    const { redis, dataDir } = await startWithPassword();
    const password = redis.connection.password as string;
    const pid = await serverPid(connect(redis));

    const commandLine = await readFile(`/proc/${pid}/cmdline`, "utf8");
    expect(commandLine).toContain("redis-server");
    expect(commandLine).not.toContain(password);
    const configFile = join(dataDir, "redis.conf");
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(await readFile(configFile, "utf8")).toBe(`requirepass ${password}\n`);

    await redis.stop();
    expect(existsSync(configFile)).toBe(false);
  });

  it("a redis-server restarted after a crash asks for the same password", async () => {
    const { redis } = await startWithPassword();
    const client = connect(redis);
    const killedPid = await serverPid(client);

    process.kill(killedPid, "SIGKILL");

    await vi.waitFor(async () => expect(await serverPid(client)).not.toBe(killedPid), {
      timeout: 10_000,
      interval: 50,
    });
    await expect(connect(redis, null).ping()).rejects.toThrow(/NOAUTH/);
    expect(await connect(redis).ping()).toBe("PONG");
  });

  it("asks for the password on the TCP fallback too (data dir path too long for a socket)", async () => {
    const { redis } = await startWithPassword("d".repeat(100));

    expect(redis.connection).toMatchObject({ host: "127.0.0.1" });
    await expect(connect(redis, null).ping()).rejects.toThrow(/NOAUTH/);
    expect(await connect(redis).ping()).toBe("PONG");
  });

  it("presque's clients made from connection authenticate, the wake subscriber too", async () => {
    const { redis } = await startWithPassword();
    const commands = createRedisClient(redis.connection);
    const subscriber = createSubscriberClient(commands);
    cleanups.push(async () => {
      subscriber.disconnect();
      commands.disconnect();
    });

    await firstPing(commands, redis.describe);
    expect(await subscriber.subscribe("wake")).toBe(1);
  });

  it("makes a new password at every start", async () => {
    const { redis, dataDir } = await startWithPassword();
    const first = redis.connection.password;
    await redis.stop();

    const again = await startManagedRedis({ dataDir, log: () => {}, requirePassword: true });
    cleanups.push(() => again.stop());
    expect(again.connection.password).not.toBe(first);
    expect(await connect(again).ping()).toBe("PONG");
  });
});

describe("isLoopbackHost: when the managed Redis needs a password (presque listens beyond loopback)", () => {
  it.each(["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"])("%s is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "128.0.0.1"])(
    "%s is not loopback",
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});
