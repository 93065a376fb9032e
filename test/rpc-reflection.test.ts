import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServerReflection, type ServerReflectionResponse } from "../gen/grpc/reflection/v1/reflection_pb.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

const run = promisify(execFile);
const projectDir = join(import.meta.dirname, "..");

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** The real `buf curl` with no --schema: everything it knows comes from the server's reflection. */
async function bufCurl(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(projectDir, "node_modules/.bin/buf"), ["curl", ...args], {
      cwd: "/", // no buf.yaml or proto/ nearby to fall back on
    });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw error;
    return { exitCode: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

const base = () => `http://127.0.0.1:${server.port}`;
const served = [
  "grpc.health.v1.Health",
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
  "presque.v1.ConsumerService",
  "presque.v1.ControlService",
  "presque.v1.DeadLetterService",
  "presque.v1.QueueService",
  "presque.v1.ScheduleService",
  "presque.v1.StatsService",
];

describe("gRPC server reflection", () => {
  for (const reflect of ["grpc-v1", "grpc-v1alpha"]) {
    it(`buf curl --list-services over ${reflect} (gRPC protocol, h2c) names every service`, async () => {
      const listed = await bufCurl(
        "--list-services",
        "--reflect-protocol",
        reflect,
        "--protocol",
        "grpc",
        "--http2-prior-knowledge",
        base(),
      );
      expect(listed.stderr).toBe("");
      expect(listed.exitCode).toBe(0);
      expect(listed.stdout.trim().split("\n").sort()).toEqual(served);
    });
  }

  it("lists every method, streaming ones included", async () => {
    const listed = await bufCurl("--list-methods", "--http2-prior-knowledge", base());
    expect(listed.exitCode).toBe(0);
    const methods = listed.stdout.trim().split("\n");
    expect(methods).toContain("presque.v1.ConsumerService/Subscribe");
    expect(methods).toContain("presque.v1.QueueService/Enqueue");
    expect(methods).toContain("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
  });

  it("calls Enqueue with the schema from reflection, and refuses an unknown field before sending", async () => {
    const grpc = ["--protocol", "grpc", "--http2-prior-knowledge"];
    const enqueued = await bufCurl(
      ...grpc,
      "-v",
      "-d",
      JSON.stringify({ queue: "reflected", payload: { x: [1, 2] } }),
      `${base()}/presque.v1.QueueService/Enqueue`,
    );
    expect(enqueued.exitCode).toBe(0);
    expect(JSON.parse(enqueued.stdout)).toMatchObject({ id: expect.stringMatching(/^[1-9][0-9]*$/) });
    // Its imports came from the server too.
    expect(enqueued.stderr).toContain('resolved file "google/protobuf/struct.proto"');
    expect(enqueued.stderr).toContain('resolved file "presque/v1/queue_service.proto"');

    const refused = await bufCurl(
      ...grpc,
      "-d",
      JSON.stringify({ queue: "reflected", nope: 1 }),
      `${base()}/presque.v1.QueueService/Enqueue`,
    );
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('unknown field "nope"');
    const info = (await fetch(`${base()}/j/reflected`).then((r) => r.json())) as { enqueued: number };
    expect(info.enqueued).toBe(1); // the refused call never reached the server
  });

  it("one stream answers NOT_FOUND for unknown names and keeps answering, sending each import once", async () => {
    const client = createClient(ServerReflection, createGrpcTransport({ baseUrl: base() }));
    const requests = [
      { messageRequest: { case: "fileContainingSymbol" as const, value: "presque.v1.NoSuchService" } },
      { messageRequest: { case: "fileByFilename" as const, value: "no/such.proto" } },
      { messageRequest: { case: "fileContainingSymbol" as const, value: "presque.v1.QueueService.Enqueue" } },
      { messageRequest: { case: "fileContainingSymbol" as const, value: "presque.v1.Job" } },
      { messageRequest: { case: "allExtensionNumbersOfType" as const, value: "presque.v1.Job" } },
    ];
    async function* send() {
      for (const request of requests) yield request;
    }
    const answers: ServerReflectionResponse["messageResponse"][] = [];
    for await (const response of client.serverReflectionInfo(send())) answers.push(response.messageResponse);
    expect(answers.map((a) => a.case)).toEqual([
      "errorResponse",
      "errorResponse",
      "fileDescriptorResponse",
      "fileDescriptorResponse",
      "allExtensionNumbersResponse",
    ]);
    expect(answers[0]?.value).toMatchObject({ errorCode: Code.NotFound });
    expect(answers[1]?.value).toMatchObject({ errorCode: Code.NotFound });
    const names = (answer: (typeof answers)[number]) =>
      answer.case === "fileDescriptorResponse"
        ? answer.value.fileDescriptorProto.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name)
        : [];
    // The requested file first, then its imports.
    const first = names(answers[2] as (typeof answers)[number]);
    expect(first[0]).toBe("presque/v1/queue_service.proto");
    expect(first).toEqual(expect.arrayContaining(["presque/v1/job.proto", "google/protobuf/struct.proto"]));
    // job.proto itself again (asked for), but none of its imports already sent on this stream.
    expect(names(answers[3] as (typeof answers)[number])).toEqual(["presque/v1/job.proto"]);
  });

  it("over HTTP/1.1 the bidi stream is refused with 505, not hung", async () => {
    const response = await fetch(`${base()}/grpc.reflection.v1.ServerReflection/ServerReflectionInfo`, {
      method: "POST",
      headers: { "content-type": "application/connect+json" },
      body: new Uint8Array([0, 0, 0, 0, 2, 123, 125]),
    });
    expect(response.status).toBe(505);
  });
});
