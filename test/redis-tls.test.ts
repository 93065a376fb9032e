import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RedisTarget } from "../src/config/config.ts";
import { createRedisClient, firstPing } from "../src/engine/store/redis-connection.ts";
import { freePort } from "../src/redis/free-port.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";
import { makeTestCertificates, type TestCertificates } from "./support/test-certificates.ts";
import { startThrowawayRedis, type ThrowawayRedis } from "./support/throwaway-redis.ts";

// One redis-server that also listens with TLS on `tlsPort` (set at runtime with CONFIG SET);
// `admin` talks to it on its plain port to watch who is connected where.
let certificates: TestCertificates;
let redis: ThrowawayRedis;
let admin: Redis;
let tlsPort: number;
const running: TestServer[] = [];

beforeAll(async () => {
  certificates = await makeTestCertificates();
  redis = await startThrowawayRedis("tls");
  admin = new Redis(redis.url);
  await admin.config(
    "SET",
    "tls-cert-file",
    certificates.server.cert,
    "tls-key-file",
    certificates.server.key,
  );
  await admin.config("SET", "tls-ca-cert-file", certificates.ca, "tls-auth-clients", "no");
  tlsPort = await freePort();
  await admin.config("SET", "tls-port", String(tlsPort));
});

afterAll(async () => {
  for (const presque of running.splice(0)) await presque.stop();
  admin?.disconnect();
  await redis?.stop();
  await certificates?.remove();
});

async function start(target: RedisTarget): Promise<TestServer> {
  const presque = await startTestServer({ redis: target });
  running.push(presque);
  return presque;
}

/** The local port of every connection named presque (commands and the wake subscriber). */
async function presqueClientPorts(): Promise<{ port: number; subscriber: boolean }[]> {
  const list = (await admin.client("LIST")) as string;
  return list
    .split("\n")
    .filter((line) => line.includes(" name=presque "))
    .map((line) => ({
      port: Number(/ laddr=[^ ]*:(\d+) /.exec(line)?.[1]),
      subscriber: / sub=[1-9]/.test(line),
    }));
}

/**
 * A long poll, then an enqueue over REST: the poll answers with the job, whether the enqueue's
 * wake-up reached it through the subscriber or the job was there when it began.
 */
async function roundTrip(presque: TestServer, queue: string): Promise<string> {
  const polled = fetch(`${presque.baseUrl}/q/${queue}?wait=10`);
  const enqueued = await fetch(`${presque.baseUrl}/q/${queue}`, { method: "POST", body: '{"to":"a@b.c"}' });
  expect(enqueued.ok).toBe(true);
  const answer = await polled;
  expect(answer.status).toBe(200);
  return answer.text();
}

describe("Redis over TLS", () => {
  it("a rediss:// URL with redis.tls_ca: jobs go through the TLS port, the wake subscriber too", async () => {
    const presque = await start({ url: `rediss://127.0.0.1:${tlsPort}`, tlsCa: certificates.ca });

    expect(await roundTrip(presque, "over-tls")).toBe('{"to":"a@b.c"}');
    const clients = await presqueClientPorts();
    expect(clients.length).toBeGreaterThanOrEqual(2);
    expect(clients.every((client) => client.port === tlsPort)).toBe(true);
    expect(clients.some((client) => client.subscriber)).toBe(true);
    await presque.stop();
    running.pop();
  });

  it("redis.host and redis.port with TLS files and a client certificate, for a Redis that asks for one", async () => {
    await admin.config("SET", "tls-auth-clients", "yes");
    try {
      const server = { host: "127.0.0.1", port: tlsPort, tlsCa: certificates.ca };
      const presque = await start({
        ...server,
        tlsCert: certificates.client.cert,
        tlsKey: certificates.client.key,
      });
      expect(await roundTrip(presque, "client-cert")).toBe('{"to":"a@b.c"}');
      // the same server refuses a client without one: the certificate was what let presque in
      await expect(start(server)).rejects.toThrow();
    } finally {
      await admin.config("SET", "tls-auth-clients", "no");
    }
  });

  it("a CA that did not sign the server's certificate: the start fails, and the first PING says why", async () => {
    const target = { url: `rediss://127.0.0.1:${tlsPort}`, tlsCa: certificates.otherCa };
    await expect(start(target)).rejects.toThrow();

    const client = createRedisClient(target);
    try {
      await expect(firstPing(client, "the test Redis")).rejects.toThrow(
        /^cannot use Redis at the test Redis: .*certificate/,
      );
    } finally {
      client.disconnect();
    }
  });

  it("an unreadable TLS file fails the start at once, naming the setting and the file", async () => {
    const missing = `${certificates.ca}.missing`;
    await expect(start({ url: `rediss://127.0.0.1:${tlsPort}`, tlsCa: missing })).rejects.toThrow(
      `redis.tls_ca: cannot read ${missing}: ENOENT`,
    );
    await expect(
      start({ url: `rediss://127.0.0.1:${tlsPort}`, tlsKey: certificates.client.key }),
    ).rejects.toThrow("redis.tls_cert and redis.tls_key go together");
  });

  it("TLS files with a redis:// URL are refused rather than ignored", async () => {
    await expect(start({ url: redis.url, tlsCa: certificates.ca })).rejects.toThrow(
      "redis.tls_ca, redis.tls_cert and redis.tls_key need a rediss:// URL",
    );
  });
});
