import { describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config/config.ts";
import { useTestServer } from "./support/presque-server.ts";
import { servedServices } from "./support/served-services.ts";

/**
 * Every route of the REST table and every method of every service gets bad input: malformed,
 * wrongly typed, huge and deep bodies, wrong methods and content types. Each answer must be a 4xx
 * with the {code, message} body; the server stays up and nothing is stored. New routes and
 * methods are covered by construction.
 */
const presque = useTestServer({ limits: { ...defaultConfig.limits, maxBodyBytes: 64 * 1024 } });

const services = servedServices;

const deep = (depth: number) => `${"[".repeat(depth)}1e400${"]".repeat(depth)}`;
const badJsonBodies: Record<string, string | Uint8Array> = {
  "truncated JSON": '{"a": [1, 2',
  "not JSON": "hello there",
  "invalid UTF-8": new Uint8Array([0x22, 0xff, 0xfe, 0x22]),
  "too large": `"${"x".repeat(70 * 1024)}"`,
  "100k deep": deep(100_000),
  "a number too large for a double": "[1e400]",
};

const sample = (pattern: string) =>
  pattern
    .replace(/:queue/g, "matrix-q")
    .replace(/:id/g, "1")
    .replace(/:\w+/g, "x")
    .replace("*", "app.js");

async function send(method: string, path: string, body?: string | Uint8Array, contentType?: string) {
  const response = await fetch(`${presque.url}${path}`, {
    method,
    body,
    headers: contentType ? { "content-type": contentType } : {},
  });
  const text = await response.text();
  return { status: response.status, text, contentType: response.headers.get("content-type") ?? "" };
}

/** A 4xx whose body is {code, message}. */
function expectClientError(answer: { status: number; text: string }, what: string) {
  expect(answer.status, `${what}: ${answer.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(answer.status, `${what}: ${answer.text.slice(0, 200)}`).toBeLessThan(500);
  const body = JSON.parse(answer.text) as { code?: unknown; message?: unknown };
  expect(typeof body.code, what).toBe("string");
  expect(typeof body.message, what).toBe("string");
}

describe("bad input on every REST route", () => {
  it("malformed, huge and deep bodies on every route that reads one", async () => {
    for (const { method, path } of presque.server.routes) {
      if (method !== "POST" && method !== "PUT") continue;
      for (const [name, body] of Object.entries(badJsonBodies)) {
        // a job is any JSON value, so only these are bad for every body-reading route
        expectClientError(await send(method, sample(path), body), `${method} ${path} with ${name}`);
      }
    }
  });

  it("a method no route has, on every path", async () => {
    for (const { path } of presque.server.routes) {
      expectClientError(await send("PATCH", sample(path), "{}"), `PATCH ${path}`);
    }
  });

  it("loose or out-of-range numbers in every numeric query parameter", async () => {
    const numeric = ["lease", "wait", "delay", "priority", "max_attempts", "batch_size", "limit", "minutes"];
    const values = ["abc", "1e400", "0x10", "", " 5"];
    for (const { method, path, query } of presque.server.routes) {
      for (const name of query.filter((q) => numeric.includes(q))) {
        for (const value of values) {
          const url = `${sample(path)}?${name}=${encodeURIComponent(value)}`;
          expectClientError(await send(method, url, method === "GET" ? undefined : "{}"), `${method} ${url}`);
        }
        const repeated = `${sample(path)}?${name}=5&${name}=abc`;
        expectClientError(
          await send(method, repeated, method === "GET" ? undefined : "{}"),
          `${method} ${repeated}`,
        );
      }
    }
  });
});

/** A Connect streaming request: one enveloped message (flags 0, big-endian length). */
function envelope(data: Uint8Array): Uint8Array {
  const framed = new Uint8Array(5 + data.length);
  new DataView(framed.buffer).setUint32(1, data.length);
  framed.set(data, 5);
  return framed;
}

/** The error of a Connect stream's end message (flags 2), if any. */
function endStreamError(bytes: Uint8Array): unknown {
  let offset = 0;
  while (offset + 5 <= bytes.length) {
    const flags = bytes[offset] as number;
    const length = new DataView(bytes.buffer, bytes.byteOffset + offset + 1, 4).getUint32(0);
    const data = bytes.subarray(offset + 5, offset + 5 + length);
    if (flags & 2) return (JSON.parse(new TextDecoder().decode(data)) as { error?: unknown }).error;
    offset += 5 + length;
  }
  return undefined;
}

describe("bad input on every RPC", () => {
  const bodies: Record<string, string | Uint8Array> = {
    "truncated JSON": '{"queue": "q',
    "wrong type": "[1, 2]",
    "unknown field": '{"bogus": 1}',
    "wrongly typed field": '{"queue": {"nested": true}}',
    "huge number": '{"queue": "q", "priority": 1e400, "count": 1e400, "limit": 1e400}',
    "deep value": `{"payload": ${deep(200)}}`,
    "invalid UTF-8": new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
  };

  it("every unary method refuses malformed JSON, wrong types, wrong content types and GET", async () => {
    for (const service of services) {
      for (const method of service.methods) {
        if (method.methodKind !== "unary") continue;
        const path = `/${service.typeName}/${method.name}`;
        for (const [name, body] of Object.entries(bodies)) {
          expectClientError(await send("POST", path, body, "application/json"), `${path} with ${name}`);
        }
        expectClientError(
          await send("POST", path, new Uint8Array([0x0a, 0xff, 0xff, 0xff]), "application/proto"),
          `${path} with a truncated protobuf`,
        );
        expectClientError(await send("POST", path, "{}", "text/plain"), `${path} as text/plain`);
        if (method.idempotency !== 1) expectClientError(await send("GET", path), `GET ${path}`);
      }
    }
  });

  it("every server stream ends with an error, not a crash, on a malformed request", async () => {
    for (const service of services) {
      for (const method of service.methods) {
        if (method.methodKind !== "server_streaming") continue;
        const path = `/${service.typeName}/${method.name}`;
        for (const [name, body] of Object.entries(bodies)) {
          const data = typeof body === "string" ? new TextEncoder().encode(body) : body;
          const response = await fetch(`${presque.url}${path}`, {
            method: "POST",
            body: envelope(data),
            headers: { "content-type": "application/connect+json" },
          });
          const bytes = new Uint8Array(await response.arrayBuffer());
          const what = `${path} with ${name}`;
          if (response.status !== 200) {
            expectClientError({ status: response.status, text: new TextDecoder().decode(bytes) }, what);
            continue;
          }
          const error = endStreamError(bytes) as { code?: string; message?: string } | undefined;
          expect(error?.code, what).toMatch(/^(invalid_argument|unimplemented|failed_precondition)$/);
          expect(typeof error?.message, what).toBe("string");
        }
      }
    }
  });
});

describe("after all of it", () => {
  it("the server is up and nothing was stored", async () => {
    expect((await send("GET", "/healthz")).status).toBe(200);
    const stats = JSON.parse((await send("GET", "/stats")).text) as { queues: { enqueued: number }[] };
    expect(stats.queues.reduce((sum, q) => sum + q.enqueued, 0)).toBe(0);
  });
});
