import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPresque } from "../src/app/start-presque.ts";
import { defaultConfig, type RedisTarget } from "../src/config/config.ts";
import { describeRedisTarget } from "../src/engine/store/redis-connection.ts";
import { silentLogger } from "../src/log.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";
import { startThrowawayRedis, type ThrowawayRedis } from "./support/throwaway-redis.ts";

// A redis-server whose only enabled user is `worker`; the password has the characters a URL must
// percent-encode.
const username = "worker";
const password = "s3cr@t:/pw";
let redis: ThrowawayRedis;
let admin: Redis;
const running: TestServer[] = [];

beforeAll(async () => {
  redis = await startThrowawayRedis("acl");
  admin = new Redis(redis.url);
  await admin.call("ACL", "SETUSER", username, "on", `>${password}`, "~*", "&*", "+@all");
  await admin.call("AUTH", username, password);
  await admin.call("ACL", "SETUSER", "default", "off");
});

afterAll(async () => {
  for (const presque of running.splice(0)) await presque.stop();
  admin?.disconnect();
  await redis?.stop();
});

async function start(target: RedisTarget): Promise<TestServer> {
  const presque = await startTestServer({ redis: target });
  running.push(presque);
  return presque;
}

function urlWith(user: string, secret: string): string {
  return `redis://${user}:${encodeURIComponent(secret)}@127.0.0.1:${redis.port}`;
}

/** Enqueues a job over REST and fetches it back: the job has gone through Redis both ways. */
async function roundTrip(presque: TestServer, queue: string): Promise<string> {
  const enqueued = await fetch(`${presque.baseUrl}/q/${queue}`, { method: "POST", body: '{"to":"a@b.c"}' });
  expect(enqueued.ok).toBe(true);
  const fetched = await fetch(`${presque.baseUrl}/q/${queue}`);
  expect(fetched.status).toBe(200);
  return fetched.text();
}

/** The ACL user of every connection named presque (commands and the wake subscriber). */
async function presqueClientUsers(): Promise<string[]> {
  const list = (await admin.client("LIST")) as string;
  return list
    .split("\n")
    .filter((line) => line.includes(" name=presque "))
    .map((line) => / user=(\S+)/.exec(line)?.[1] ?? "?");
}

describe("Redis ACL users", () => {
  it("redis.username and redis.password: every presque connection is the ACL user's", async () => {
    const presque = await start({ url: redis.url, username, password });

    expect(await roundTrip(presque, "acl-user")).toBe('{"to":"a@b.c"}');
    const users = await presqueClientUsers();
    expect(users.length).toBeGreaterThanOrEqual(2); // commands and the wake subscriber
    expect(new Set(users)).toEqual(new Set([username]));
  });

  it("credentials in the URL, percent-encoded, work and are not in the start-up line", async () => {
    const config = { ...defaultConfig, host: "127.0.0.1", port: 0, prefix: "acl-url" };
    const presque = await startPresque(
      { ...config, redis: { url: urlWith(username, password) } },
      silentLogger,
    );
    try {
      const base = `http://127.0.0.1:${presque.port}`;
      expect((await fetch(`${base}/q/acl-url`, { method: "POST", body: "1" })).ok).toBe(true);
      expect(await (await fetch(`${base}/q/acl-url`)).text()).toBe("1");
      expect(presque.redisDescription).toContain(`127.0.0.1:${redis.port}`);
      expect(presque.redisDescription).not.toContain(password);
      expect(presque.redisDescription).not.toContain(encodeURIComponent(password));
    } finally {
      await presque.stop();
    }
  });

  it("the description of a target shows where and who, never the password, even one with a raw @", () => {
    expect(describeRedisTarget({ url: "redis://worker:p@ss@127.0.0.1:6380/2" })).toBe(
      "redis://127.0.0.1:6380/2 as user worker",
    );
    expect(describeRedisTarget({ host: "::1", port: 6379, username, password })).toBe(
      "redis://[::1]:6379/0 as user worker",
    );
  });

  it("redis.password wins over the password in the URL", async () => {
    const presque = await start({ url: urlWith(username, "stale"), password });

    expect(await roundTrip(presque, "acl-override")).toBe('{"to":"a@b.c"}');
  });

  it("a wrong password fails the start with Redis's WRONGPASS, not a hang", async () => {
    await expect(start({ url: redis.url, username, password: "wrong" })).rejects.toThrow(/WRONGPASS/);
  });

  it("no credentials while the default user is disabled fails the start", async () => {
    await expect(start({ url: redis.url })).rejects.toThrow(/NOAUTH|WRONGPASS/);
  });
});
