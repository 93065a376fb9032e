import { readFileSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueueService } from "../gen/presque/v1/queue_service_pb.ts";
import { defaultConfig } from "../src/config/config.ts";
import { curl, json } from "./support/curl.ts";
import { grpcJsQueueService } from "./support/grpc-js-queue-service.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";
import { makeTestCertificates, type TestCertificates } from "./support/test-certificates.ts";

/*
 * tls.cert and tls.key: the one port speaks TLS only, with ALPN (h2, http/1.1), and every protocol
 * presque serves in the clear works over it, with the clients users have.
 */

let certs: TestCertificates;
let server: TestServer;
let baseUrl: string;
const sessions: Http2SessionManager[] = [];

beforeAll(async () => {
  certs = await makeTestCertificates();
  server = await startTestServer({
    tls: { cert: certs.server.cert, key: certs.server.key, clientCa: undefined },
    // Short, so the connections that never get anywhere are closed soon.
    limits: { ...defaultConfig.limits, prefaceTimeoutMs: 1000 },
  });
  baseUrl = `https://localhost:${server.port}`;
});

afterAll(async () => {
  for (const session of sessions) session.abort();
  await server?.stop();
  await certs?.remove();
});

const ca = () => readFileSync(certs.ca);

/** curl over HTTPS trusting the test CA; `httpVersion` is the version curl says it used. */
async function curlHttps(version: "--http1.1" | "--http2", ...args: string[]) {
  const result = await curl(version, "--cacert", certs.ca, "-w", "\n%{http_version}", ...args);
  const cut = result.body.lastIndexOf("\n");
  return { ...result, body: result.body.slice(0, cut), httpVersion: result.body.slice(cut + 1) };
}

type GrpcUnary = (
  request: object,
  callback: (error: grpc.ServiceError | null, response?: unknown) => void,
) => grpc.ClientUnaryCall;

/** Resolves once the server has closed the connection (the socket is then gone on both sides). */
const closed = (socket: net.Socket) => new Promise<void>((resolve) => socket.once("close", () => resolve()));

describe.each([
  ["HTTP/1.1", "--http1.1", "1.1"],
  ["h2", "--http2", "2"],
] as const)("REST over HTTPS with curl, %s", (name, flag, httpVersion) => {
  const queue = `tls-rest-${httpVersion.replace(".", "")}`;

  it("enqueues and fetches a job, in the version ALPN chose", async () => {
    const enqueued = await curlHttps(flag, "-X", "POST", `${baseUrl}/q/${queue}`, "-d", `{"over":"${name}"}`);
    expect(enqueued.status).toBe(201);
    expect(enqueued.httpVersion).toBe(httpVersion);
    expect(json(enqueued)).toMatchObject({ queue });

    const fetched = await curlHttps(flag, `${baseUrl}/q/${queue}`);
    expect(fetched.status).toBe(200);
    expect(fetched.httpVersion).toBe(httpVersion);
    expect(fetched.body).toBe(`{"over":"${name}"}`);
  });
});

describe("RPC over TLS", () => {
  it("grpc-js with createSsl(ca) enqueues through presque.v1.QueueService/Enqueue", async () => {
    const QueueServiceClient = grpcJsQueueService();
    const client = new QueueServiceClient(`localhost:${server.port}`, grpc.credentials.createSsl(ca()));
    try {
      const enqueue = (client as unknown as { Enqueue: GrpcUnary }).Enqueue;
      const reply = await new Promise<{ id: string }>((resolve, reject) =>
        enqueue.call(
          client,
          { queue: "tls-grpc-js", payload: { stringValue: "over TLS" } },
          (error, response) => (error ? reject(error) : resolve(response as { id: string })),
        ),
      );
      expect(reply.id).toMatch(/^[1-9][0-9]*$/);
    } finally {
      client.close();
    }
    const fetched = await curlHttps("--http2", `${baseUrl}/q/tls-grpc-js`);
    expect(fetched.body).toBe('"over TLS"');
  });

  it.each([
    [
      "Connect over h2",
      () => {
        const sessionManager = new Http2SessionManager(baseUrl, undefined, { ca: ca() });
        sessions.push(sessionManager);
        return createConnectTransport({ baseUrl, httpVersion: "2", sessionManager });
      },
    ],
    [
      "gRPC",
      () => {
        const sessionManager = new Http2SessionManager(baseUrl, undefined, { ca: ca() });
        sessions.push(sessionManager);
        return createGrpcTransport({ baseUrl, sessionManager });
      },
    ],
    [
      "Connect over HTTP/1.1",
      () => createConnectTransport({ baseUrl, httpVersion: "1.1", nodeOptions: { ca: ca(), agent: false } }),
    ],
    [
      "gRPC-Web over HTTP/1.1",
      () => createGrpcWebTransport({ baseUrl, httpVersion: "1.1", nodeOptions: { ca: ca(), agent: false } }),
    ],
  ])("a generated client, %s, enqueues and fetches", async (name, transport) => {
    const client = createClient(QueueService, transport());
    const queue = `tls-${name.replace(/\W+/g, "-").toLowerCase()}`;
    const { id } = await client.enqueue({ queue, payload: { kind: { case: "stringValue", value: name } } });
    const { jobs } = await client.fetch({ queue });
    expect(jobs.map((job) => [job.id, job.payload?.kind])).toEqual([
      [id, { case: "stringValue", value: name }],
    ]);
  });
});

describe("what is not TLS, or never finishes it", () => {
  it("plain HTTP to the TLS port is answered 400 in plain HTTP, saying to use https", async () => {
    const answer = await curl(`http://127.0.0.1:${server.port}/healthz`);
    expect(answer.status).toBe(400);
    expect(json(answer)).toEqual({
      code: "invalid_argument",
      message: "this port speaks TLS only: use https://",
    });
    // and the port still serves HTTPS
    expect((await curlHttps("--http1.1", `${baseUrl}/healthz`)).status).toBe(200);
  });

  it("a connection that sends nothing is closed", async () => {
    const socket = net.connect(server.port, "127.0.0.1");
    await closed(socket);
    expect(socket.bytesRead).toBe(0);
  });

  it("a handshake that stops half-way is closed", async () => {
    const socket = net.connect(server.port, "127.0.0.1");
    // The header of a TLS handshake record, and nothing of the ClientHello it announces.
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0x01, 0x00]));
    await closed(socket);
    expect(socket.bytesRead).toBe(0);
  });

  it("a connection that says nothing after its handshake is closed", async () => {
    const socket = tls.connect({ host: "127.0.0.1", port: server.port, ca: ca(), servername: "localhost" });
    await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
    await closed(socket);
    expect(socket.bytesRead).toBe(0);
  });

  it("a client without ALPN gets HTTP/1.1", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      https
        .get(`${baseUrl}/healthz`, { ca: ca(), agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on("error", reject);
    });
    expect(status).toBe(200);
  });

  it("an h2 preface without ALPN h2 is refused (RFC 9113 §3.3)", async () => {
    const socket = tls.connect({ host: "127.0.0.1", port: server.port, ca: ca(), servername: "localhost" });
    await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
    expect(socket.alpnProtocol).toBe(false);
    socket.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    await closed(socket);
    // Closed at once, with nothing said: no SETTINGS frame, nor Node's "403 Unknown ALPN Protocol".
    expect(socket.bytesRead).toBe(0);
  });
});
