import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestServer } from "./support/presque-server.ts";

/*
 * Malformed protobuf is the client's fault: 400 / INVALID_ARGUMENT on Connect, gRPC and gRPC-Web,
 * never 500 internal. connect-es decodes unary requests before any interceptor (its "parse
 * binary" errors are Code.Internal); src/rpc/decode-errors.ts maps them on the response.
 */

const presque = useTestServer();

/** Bodies of presque.v1.EnqueueRequest {string queue = 1; Value payload = 2} gone wrong. */
const malformed: Record<string, Uint8Array> = {
  "random bytes": Uint8Array.from([0xa7, 0xf3, 0xc1, 0xd9, 0xe2, 0xb4, 0x9e, 0x1f]),
  "a truncated varint": Uint8Array.from([0x08, 0xff]),
  "a length past the end": Uint8Array.from([0x0a, 0x10, 0x61, 0x62]),
  "a wrong wire type": Uint8Array.from([0x0d, 0x01, 0x02, 0x03, 0x04]),
  "invalid UTF-8 in a string field": Uint8Array.from([0x0a, 0x02, 0xff, 0xfe]),
};

const enqueuePath = "/presque.v1.QueueService/Enqueue";

async function queueCount(): Promise<number> {
  const status = (await (await fetch(`${presque.url}/status`)).json()) as { queues: string[] };
  return status.queues.length;
}

describe("Connect: 400 invalid_argument with the {code, message} body", () => {
  it("each malformed application/proto body, and nothing is stored", async () => {
    const before = await queueCount();
    for (const [name, body] of Object.entries(malformed)) {
      const answer = await fetch(`${presque.url}${enqueuePath}`, {
        method: "POST",
        headers: { "content-type": "application/proto" },
        body,
      });
      expect(answer.status, name).toBe(400);
      const error = (await answer.json()) as { code: string; message: string };
      expect(error.code, name).toBe("invalid_argument");
      expect(error.message, name).toMatch(/^parse binary: /);
    }
    expect(await queueCount()).toBe(before);
  });

  it("bad base64 in a Connect GET", async () => {
    const url = `${presque.url}/presque.v1.QueueService/GetJob?connect=v1&encoding=proto&base64=1&message=!!!!`;
    const answer = await fetch(url);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ code: "invalid_argument", message: "message is not valid base64" });
    // good base64 still reaches the service (job 1 of queue x: not found)
    const good = await fetch(
      url.replace("!!!!", Buffer.from([0x0a, 0x01, 0x78, 0x12, 0x01, 0x31]).toString("base64")),
    );
    expect(good.status).toBe(404);
  });

  it("a server stream (Subscribe) gets invalid_argument in its end-of-stream message", async () => {
    const body = Buffer.concat([Buffer.from([0, 0, 0, 0, 2]), Buffer.from([0x08, 0xff])]);
    const answer = await fetch(`${presque.url}/presque.v1.ConsumerService/Subscribe`, {
      method: "POST",
      headers: { "content-type": "application/connect+proto" },
      body,
    });
    const bytes = Buffer.from(await answer.arrayBuffer());
    expect(bytes[0]).toBe(2); // the end-stream flag
    expect(JSON.parse(bytes.subarray(5).toString("utf8"))).toMatchObject({
      error: { code: "invalid_argument" },
    });
  });
});

describe("gRPC (grpc-js with raw bytes) and gRPC-Web: status 3, INVALID_ARGUMENT", () => {
  let client: grpc.Client;
  beforeAll(() => {
    client = new grpc.Client(`127.0.0.1:${presque.server.port}`, grpc.credentials.createInsecure());
  });
  afterAll(() => client?.close());
  const raw = (bytes: Buffer) => bytes;

  it("unary calls", async () => {
    for (const [name, body] of Object.entries(malformed)) {
      const code = await new Promise<number>((resolve) => {
        client.makeUnaryRequest(enqueuePath, raw, raw, Buffer.from(body), (error) =>
          resolve(error?.code ?? 0),
        );
      });
      expect(code, name).toBe(grpc.status.INVALID_ARGUMENT);
    }
  });

  it("a server-streaming call", async () => {
    const call = client.makeServerStreamRequest(
      "/presque.v1.ConsumerService/Subscribe",
      raw,
      raw,
      Buffer.from([0x08, 0xff]),
    );
    const code = await new Promise<number>((resolve) => {
      call.on("error", (error: grpc.ServiceError) => resolve(error.code));
      call.on("data", () => undefined);
    });
    expect(code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it("gRPC-Web puts grpc-status 3 in its trailer frame", async () => {
    const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, 2]), Buffer.from([0x08, 0xff])]);
    const answer = await fetch(`${presque.url}/presque.v1.QueueService/GetJob`, {
      method: "POST",
      headers: { "content-type": "application/grpc-web+proto" },
      body: frame,
    });
    const bytes = Buffer.from(await answer.arrayBuffer());
    expect(bytes[0]).toBe(0x80);
    expect(bytes.readUInt32BE(1)).toBe(bytes.length - 5);
    const trailer = bytes.subarray(5).toString("latin1");
    expect(trailer).toMatch(/^grpc-status: 3\r$/m);
    expect(trailer).toMatch(/grpc-message: parse%20binary/);
  });

  it("the server is still up and answers well-formed calls", async () => {
    const answer = await fetch(`${presque.url}${enqueuePath}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ queue: "after-garbage", payload: 1 }),
    });
    expect(answer.status).toBe(200);
  });
});
