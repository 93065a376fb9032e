import { readFile } from "node:fs/promises";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../src/log.ts";
import { createPresqueClient, type PresqueClientOptions } from "../src/sdk/client.ts";
import { Worker } from "../src/sdk/worker.ts";
import type { WorkerOptions } from "../src/sdk/worker-options.ts";
import { testKey, withKeys } from "./support/auth-keys.ts";
import { startTestServer, type TestServer, useTestServer } from "./support/presque-server.ts";
import { makeTestCertificates, type TestCertificates } from "./support/test-certificates.ts";

// The SDK against a presque with keys: every transport sends the key on every call (unary and
// streams), and one without it, or with a key lacking the scope, is refused with the RPC code.
const full = testKey("sdk-full", ["*"]);
const otherQueues = testKey("sdk-other", ["*:sdk-other-*"]);
const presque = useTestServer(withKeys([full, otherQueues], { maxFailures: 1_000_000 }));

const transports: Record<string, Partial<PresqueClientOptions>> = {
  "Connect over HTTP/1.1": {},
  "Connect over HTTP/2": { httpVersion: "2" },
  gRPC: { protocol: "grpc" },
};

async function codeOf(call: Promise<unknown>): Promise<Code | "ok"> {
  try {
    await call;
    return "ok";
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

describe.each(Object.entries(transports))("the SDK client over %s", (_name, transport) => {
  const client = (apiKey?: string) => createPresqueClient({ baseUrl: presque.url, apiKey, ...transport });

  it("is refused with UNAUTHENTICATED without a key and with an unknown one", async () => {
    for (const apiKey of [undefined, testKey("never-configured", ["*"]).secret]) {
      const anonymous = client(apiKey);
      expect(await codeOf(anonymous.enqueue("sdk-auth", { n: 1 }))).toBe(Code.Unauthenticated);
      expect(await codeOf(anonymous.stats.getStats({}))).toBe(Code.Unauthenticated);
      anonymous.close();
    }
  });

  it("sends the key on every call: enqueue, fetch, ack and stats go through", async () => {
    const keyed = client(full.secret);
    const queue = `sdk-auth-${transport.protocol ?? "connect"}-${transport.httpVersion ?? "1"}`;
    const { id } = await keyed.enqueue(queue, { to: "a@example.org" });
    const { jobs } = await keyed.queue.fetch({ queue, maxJobs: 1, leaseSeconds: 30 });
    expect(jobs.map((job) => job.id)).toEqual([id]);
    await keyed.queue.ack({ queue, id, leaseToken: jobs[0]?.leaseToken ?? "" });
    const { info } = await keyed.stats.getQueueInfo({ queue });
    expect(info?.processed).toBe(1n);
    keyed.close();
  });

  it("is refused with PERMISSION_DENIED by a key without the queue's scope", async () => {
    const scoped = client(otherQueues.secret);
    expect(await codeOf(scoped.enqueue("sdk-auth-forbidden", {}))).toBe(Code.PermissionDenied);
    expect(await codeOf(scoped.enqueue("sdk-other-allowed", {}))).toBe("ok");
    scoped.close();
  });
});

/** Runs a Worker until its first job, then stops it; answers that job's payload. */
async function firstPayload(
  options: Omit<WorkerOptions, "work" | "log" | "handleSignals">,
): Promise<unknown> {
  let resolve: (payload: unknown) => void = () => {};
  const received = new Promise<unknown>((settle) => {
    resolve = settle;
  });
  const worker = new Worker({
    ...options,
    log: silentLogger,
    handleSignals: false,
    work: (job) => resolve(job.payload),
  });
  const running = worker.run();
  const payload = await received;
  await worker.stop();
  await running;
  return payload;
}

describe("the Worker with a key", () => {
  it("runs jobs over the Subscribe stream of a client made with apiKey", async () => {
    const client = createPresqueClient({ baseUrl: presque.url, apiKey: full.secret });
    await client.enqueue("sdk-auth-worker", { n: 1 });
    expect(await firstPayload({ client, queues: ["sdk-auth-worker"], transport: "stream" })).toEqual({
      n: 1,
    });
    const { info } = await client.stats.getQueueInfo({ queue: "sdk-auth-worker" });
    expect(info?.processed).toBe(1n);
    client.close();
  });

  it("passes its own apiKey option to the client it makes", async () => {
    const producer = createPresqueClient({ baseUrl: presque.url, apiKey: full.secret });
    await producer.enqueue("sdk-auth-worker-own", { n: 2 });
    const options = { url: presque.url, apiKey: full.secret, queues: ["sdk-auth-worker-own"] };
    expect(await firstPayload(options)).toEqual({ n: 2 });
    producer.close();
  });
});

describe("the SDK's checks of its options", () => {
  it("refuses an apiKey with a line break and a CA for an http:// URL, before any call", () => {
    expect(() => createPresqueClient({ baseUrl: presque.url, apiKey: `${full.secret}\n` })).toThrow(
      /apiKey must be the key's secret/,
    );
    expect(() => createPresqueClient({ baseUrl: presque.url, ca: "-----BEGIN CERTIFICATE-----" })).toThrow(
      /ca is for https:\/\/ URLs/,
    );
  });
});

describe("the SDK over HTTPS with a private CA", () => {
  let certificates: TestCertificates;
  let server: TestServer;
  let ca: Buffer;
  let otherCa: Buffer;
  const httpsUrl = () => `https://127.0.0.1:${server.port}`;
  beforeAll(async () => {
    certificates = await makeTestCertificates();
    ca = await readFile(certificates.ca);
    otherCa = await readFile(certificates.otherCa);
    server = await startTestServer({
      ...withKeys([full]),
      tls: { cert: certificates.server.cert, key: certificates.server.key, clientCa: undefined },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await certificates?.remove();
  });

  it.each(Object.entries(transports))("trusts the server through ca, over %s", async (_name, transport) => {
    const client = createPresqueClient({ baseUrl: httpsUrl(), apiKey: full.secret, ca, ...transport });
    const { id } = await client.enqueue("sdk-tls", { over: "tls" });
    expect(id).toMatch(/^\d+$/);
    client.close();
  });

  it.each(Object.entries(transports))(
    "refuses a server its ca did not sign, over %s",
    async (_name, transport) => {
      for (const trusted of [undefined, otherCa]) {
        const client = createPresqueClient({
          baseUrl: httpsUrl(),
          apiKey: full.secret,
          ca: trusted,
          ...transport,
        });
        const failure = await client.enqueue("sdk-tls", {}, { idempotencyKey: "never" }).then(
          () => undefined,
          (error: unknown) => ConnectError.from(error),
        );
        expect(failure?.message).toMatch(/certificate|self.signed|verify/i);
        client.close();
      }
    },
  );
});
