import http2 from "node:http2";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { defaultConfig } from "../src/config/config.ts";
import { curl, json } from "./support/curl.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";
import { spawnPresque } from "./support/spawn-presque.ts";

/*
 * Connections that never finish what they started, over real sockets: the server closes them
 * within its configured timeouts and answers 408 where an answer can still be read, while long
 * polls and streams that outlast every timeout are left alone.
 */

const timeouts = { prefaceTimeoutMs: 200, headersTimeoutMs: 200, requestTimeoutMs: 300, idleTimeoutMs: 300 };
/** How long a test waits for something the server should do within a few hundred ms. */
const bound = 4_000;

let server: TestServer;
let capped: TestServer;
beforeAll(async () => {
  server = await startTestServer({ limits: { ...defaultConfig.limits, ...timeouts } });
  // Idle connections must outlive the test here: only the cap may close them.
  capped = await startTestServer({ limits: { ...defaultConfig.limits, maxConnections: 2 } });
});
afterAll(async () => {
  await server?.stop();
  await capped?.stop();
});

function within<T>(promise: Promise<T>, what: string, ms = bound): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A raw TCP connection and everything it received. */
function connect(port: number) {
  const socket = net.connect(port, "127.0.0.1");
  let received = "";
  const listeners = new Set<() => void>();
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("utf8");
    for (const listener of listeners) listener();
  });
  socket.on("error", () => {}); // a reset shows as "close" too
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const connected = new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return {
    socket,
    connected,
    received: () => received,
    closed: (what: string) => within(closed, what),
    /** Resolves once what was received says so (found returns something). */
    until<T>(found: (text: string) => T | undefined, what: string) {
      return within(
        new Promise<T>((resolve) => {
          const check = () => {
            const result = found(received);
            if (result !== undefined) {
              listeners.delete(check);
              resolve(result);
            }
          };
          listeners.add(check);
          check();
        }),
        what,
      );
    },
  };
}

function parseResponse(raw: string) {
  const end = raw.indexOf("\r\n\r\n");
  return { status: Number(raw.split(" ")[1]), body: raw.slice(end + 4) };
}

const matches = (pattern: RegExp) => (text: string) => (pattern.test(text) ? true : undefined);

/** Sends a request on a keep-alive connection and reads one whole response (with content-length). */
async function exchange(peer: ReturnType<typeof connect>, request: string) {
  const before = peer.received().length;
  peer.socket.write(request);
  const whole = (text: string) => {
    const raw = text.slice(before);
    const end = raw.indexOf("\r\n\r\n");
    const length = /\r\ncontent-length: (\d+)/i.exec(raw.slice(0, end))?.[1];
    if (end === -1 || (length !== undefined && raw.length < end + 4 + Number(length))) return undefined;
    return parseResponse(raw);
  };
  return peer.until(whole, "a response");
}

/** An h2c request; resolves with its status and body once it ends or its stream closes. */
function h2Request(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: string) {
  const stream = session.request(headers, { endStream: body === undefined });
  if (body !== undefined) stream.write(body); // and never ended
  let text = "";
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  stream.on("error", () => {});
  const status = new Promise<number>((resolve) =>
    stream.once("response", (h) => resolve(Number(h[":status"]))),
  );
  const done = new Promise<void>((resolve) => stream.once("close", () => resolve()));
  return {
    stream,
    status,
    done: () => within(done, "the h2 stream's end").then(() => text),
    text: () => text,
  };
}

const readyCount = async (queue: string) =>
  (json(await curl(`${server.baseUrl}/j/${queue}`)) as { ready: number }).ready;

describe("connections that say nothing", () => {
  it("a connection that sends no byte is closed after limits.preface_timeout_ms", async () => {
    const peer = connect(server.port);
    await peer.closed("the server closing a silent connection");
    expect(peer.received()).toBe("");
  });

  it("a connection that sends part of the h2c preface and stops is closed", async () => {
    const peer = connect(server.port);
    peer.socket.write("PRI * HTTP/2.0\r\n");
    await peer.closed("the server closing a half preface");
  });

  it("an idle keep-alive connection is closed after limits.idle_timeout_ms", async () => {
    const peer = connect(server.port);
    expect((await exchange(peer, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")).status).toBe(200);
    await peer.closed("the server closing an idle keep-alive connection");
  });

  it("an h2c session with no request is closed after limits.idle_timeout_ms", async () => {
    const session = http2.connect(server.baseUrl);
    session.on("error", () => {});
    await within(new Promise((resolve) => session.once("close", resolve)), "the server closing the session");
  });
});

describe("presque serve, in its own process (a crash would end it)", () => {
  it("keeps serving after a peer resets before its first byte, and reads the timeouts from the environment", async () => {
    const presque = await spawnPresque([], {
      REDIS_URL: inject("redisUrl"),
      PRESQUE_PREFIX: `conn-reset-${process.pid}`,
      PRESQUE_PREFACE_TIMEOUT_MS: "200",
    });
    try {
      const port = Number(new URL(presque.baseUrl).port);
      const reset = connect(port);
      await reset.connected;
      reset.socket.resetAndDestroy();
      await reset.closed("the reset");
      const silent = connect(port);
      await silent.closed("the server closing a silent connection");
      expect(presque.child.exitCode).toBe(null);
      expect((await curl(`${presque.baseUrl}/healthz`)).status).toBe(200);
      expect(await presque.terminate()).toBe(0);
    } finally {
      if (presque.child.exitCode === null) presque.child.kill("SIGKILL");
    }
  });
});

describe("requests that never finish arriving", () => {
  it("headers that stop arriving get 408 with the JSON error, and the connection closes", async () => {
    const peer = connect(server.port);
    peer.socket.write("GET /status HTTP/1.1\r\nHost: localhost\r\n");
    await peer.closed("the server closing a request without the end of its headers");
    const answer = parseResponse(peer.received());
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toEqual({
      code: "deadline_exceeded",
      message: "request headers not received within 200 ms (limits.headers_timeout_ms)",
    });
  });

  it("a REST body shorter than its Content-Length gets 408, the connection closes, nothing is stored", async () => {
    const peer = connect(server.port);
    peer.socket.write('POST /q/short HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{"a":12345');
    await peer.closed("the server closing a request whose body stopped");
    const answer = parseResponse(peer.received());
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toEqual({
      code: "deadline_exceeded",
      message: "request body not received within 300 ms (limits.request_timeout_ms)",
    });
    expect(await readyCount("short")).toBe(0);
  });

  it("a Connect body shorter than its Content-Length gets 408 and the connection closes", async () => {
    const peer = connect(server.port);
    peer.socket.write(
      "POST /presque.v1.QueueService/Enqueue HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\n" +
        'Content-Length: 100\r\n\r\n{"queue":"',
    );
    await peer.closed("the server closing an RPC whose body stopped");
    const answer = parseResponse(peer.received());
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ code: "deadline_exceeded" });
  });

  it("an h2c body shorter than its content-length gets 408 and its stream is reset", async () => {
    const session = http2.connect(server.baseUrl);
    session.on("error", () => {});
    try {
      const request = h2Request(
        session,
        {
          ":method": "POST",
          ":path": "/q/short2",
          "content-type": "application/json",
          "content-length": "100",
        },
        '{"a":12345',
      );
      expect(await within(request.status, "the 408")).toBe(408);
      expect(JSON.parse(await request.done())).toEqual({
        code: "deadline_exceeded",
        message: "request body not received within 300 ms (limits.request_timeout_ms)",
      });
      expect(await readyCount("short2")).toBe(0);
    } finally {
      session.destroy();
    }
  });
});

describe("answers that outlast every timeout", () => {
  it("a long poll over HTTP/1.1 waits its whole wait and answers", async () => {
    const peer = connect(server.port);
    // wait=1 s: longer than the request (300 ms) and idle (300 ms) timeouts, and silent throughout.
    const answer = await exchange(peer, "GET /q/lp1?wait=1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
    expect(answer.status).toBe(204);
    peer.socket.destroy();
  });

  it("a long poll over h2c waits its whole wait and answers", async () => {
    const session = http2.connect(server.baseUrl);
    session.on("error", () => {});
    try {
      const request = h2Request(session, { ":path": "/q/lp2?wait=1" });
      expect(await within(request.status, "the long poll's answer")).toBe(204);
    } finally {
      session.destroy();
    }
  });

  it("an SSE stream over HTTP/1.1 still delivers a job after the timeouts have passed", async () => {
    const peer = connect(server.port);
    peer.socket.write("GET /q/sse1/stream?heartbeat=1&lease=60 HTTP/1.1\r\nHost: localhost\r\n\r\n");
    await peer.until(matches(/event: subscribed/), "the subscription");
    await peer.until(matches(/event: heartbeat/), "a heartbeat, a second later");
    await curl("-X", "POST", `${server.baseUrl}/q/sse1`, "-d", '{"late":true}');
    await peer.until(matches(/event: job\ndata: .*"late":true/), "the job on the stream");
    peer.socket.destroy();
  });

  it("an SSE stream over h2c still delivers a job after the timeouts have passed", async () => {
    const session = http2.connect(server.baseUrl);
    session.on("error", () => {});
    try {
      const request = h2Request(session, { ":path": "/q/sse2/stream?heartbeat=1&lease=60" });
      const seen = (pattern: RegExp, what: string) =>
        within(
          new Promise<void>((resolve) => {
            const check = () => pattern.test(request.text()) && resolve();
            request.stream.on("data", check);
            check();
          }),
          what,
        );
      await seen(/event: heartbeat/, "a heartbeat, a second later");
      await curl("-X", "POST", `${server.baseUrl}/q/sse2`, "-d", '{"late":true}');
      await seen(/event: job\ndata: .*"late":true/, "the job on the stream");
    } finally {
      session.destroy();
    }
  });
});

describe("limits.max_connections", () => {
  it("past the cap a new connection is closed, and the open ones keep being served", async () => {
    const first = connect(capped.port);
    const second = connect(capped.port);
    const request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
    // An answer on each means the server has accepted (and counts) both.
    expect((await exchange(first, request)).status).toBe(200);
    expect((await exchange(second, request)).status).toBe(200);
    const third = connect(capped.port);
    await third.closed("the server closing the connection past its cap");
    expect(third.received()).toBe("");
    expect((await exchange(first, request)).status).toBe(200);
    expect((await exchange(second, request)).status).toBe(200);
    first.socket.destroy();
    second.socket.destroy();
  });
});
