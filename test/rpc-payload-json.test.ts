import { create, toJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeadLetterService } from "../gen/presque/v1/dead_letter_service_pb.ts";
import { QueueService } from "../gen/presque/v1/queue_service_pb.ts";
import { ScheduleService } from "../gen/presque/v1/schedule_service_pb.ts";
import { defaultConfig } from "../src/config/config.ts";
import { createPresqueClient } from "../src/sdk/client.ts";
import { grpcJsQueueService } from "./support/grpc-js-queue-service.ts";
import { startTestServer, type TestServer, useTestServer } from "./support/presque-server.ts";

/*
 * Job.payload_json is the stored JSON text byte for byte on every transport: a REST body read over
 * Connect (binary and JSON), grpc-js and the SDK, and a payload_json enqueued over RPC read back over
 * REST. google.protobuf.Value (payload) rounds big integers and drops trailing zeros; payload_json does not.
 */

const presque = useTestServer();
const lossy = '{"big": 12345678901234567890, "f": 1.10}';

const QueueServiceClient = grpcJsQueueService();
let grpcClient: grpc.Client;
beforeAll(() => {
  grpcClient = new QueueServiceClient(`127.0.0.1:${presque.server.port}`, grpc.credentials.createInsecure());
});
afterAll(() => grpcClient.close());

function grpcUnary<T>(method: string, request: object): Promise<T> {
  const call = (grpcClient as unknown as Record<string, GrpcUnary>)[method] as GrpcUnary;
  return new Promise((resolve, reject) =>
    call.call(grpcClient, request, (error, response) => (error ? reject(error) : resolve(response as T))),
  );
}
type GrpcUnary = (
  request: object,
  callback: (error: grpc.ServiceError | null, response?: unknown) => void,
) => grpc.ClientUnaryCall;

const connectQueue = (useBinaryFormat: boolean) =>
  createClient(
    QueueService,
    createConnectTransport({ baseUrl: presque.url, httpVersion: "1.1", useBinaryFormat }),
  );
const connectSchedules = () =>
  createClient(
    ScheduleService,
    createConnectTransport({ baseUrl: presque.url, httpVersion: "1.1", useBinaryFormat: true }),
  );

const rpcCode = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) => (error instanceof ConnectError ? Code[error.code] : String(error)),
  );

async function restEnqueue(queue: string, body: string): Promise<string> {
  const answer = await fetch(`${presque.url}/q/${queue}`, { method: "POST", body });
  expect(answer.status).toBe(201);
  return ((await answer.json()) as { id: string }).id;
}

/** presque's classic GET: the body is the stored payload, byte for byte. */
async function restTake(queue: string): Promise<string> {
  const answer = await fetch(`${presque.url}/q/${queue}`);
  expect(answer.status).toBe(200);
  return answer.text();
}

async function expectNothingStored(queue: string) {
  const status = (await (await fetch(`${presque.url}/status`)).json()) as { queues: string[] };
  expect(status.queues).not.toContain(queue);
}

describe("a REST body read over every RPC transport", () => {
  it("Connect binary, Connect JSON, grpc-js and the SDK give payload_json byte for byte", async () => {
    const queue = "pj-read";
    const id = await restEnqueue(queue, lossy);
    for (const binary of [true, false]) {
      const { job } = await connectQueue(binary).getJob({ queue, id });
      expect(job?.payloadJson).toBe(lossy);
      // the Value is still filled for existing clients, and shows why it is not enough
      expect(toJson(ValueSchema, job?.payload ?? create(ValueSchema))).toEqual({
        big: 12345678901234567000,
        f: 1.1,
      });
    }
    const viaGrpc = await grpcUnary<{ job: { payloadJson: string; payload: { kind: string } } }>("GetJob", {
      queue,
      id,
    });
    expect(viaGrpc.job.payloadJson).toBe(lossy);
    expect(viaGrpc.job.payload.kind).toBe("structValue");

    const sdk = createPresqueClient({ baseUrl: presque.url });
    try {
      expect((await sdk.queue.getJob({ queue, id })).job?.payloadJson).toBe(lossy);
      // a leased fetch, an extension and a promote hand it out the same way
      const { jobs } = await sdk.queue.fetch({ queue, leaseSeconds: 30 });
      expect(jobs.map((job) => job.payloadJson)).toEqual([lossy]);
      const extended = await sdk.queue.extendLease({ queue, id, leaseToken: jobs[0]?.leaseToken ?? "" });
      expect(extended.job?.payloadJson).toBe(lossy);
    } finally {
      sdk.close();
    }
  });

  it("Connect JSON carries it as a string member payloadJson, exactly the body", async () => {
    const queue = "pj-connect-json";
    const id = await restEnqueue(queue, lossy);
    const answer = await fetch(`${presque.url}/presque.v1.QueueService/GetJob`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ queue, id }),
    });
    const text = await answer.text();
    expect(text).toContain(`"payloadJson":${JSON.stringify(lossy)}`);
  });

  it("dead letters hand it out too", async () => {
    const queue = "pj-dead";
    const id = await restEnqueue(queue, lossy);
    const sdk = createPresqueClient({ baseUrl: presque.url });
    try {
      const { jobs } = await sdk.queue.fetch({ queue, leaseSeconds: 30 });
      await sdk.queue.nack({ queue, id, leaseToken: jobs[0]?.leaseToken ?? "", retryable: false });
      const deadLetters = createClient(
        DeadLetterService,
        createConnectTransport({ baseUrl: presque.url, httpVersion: "1.1", useBinaryFormat: true }),
      );
      const dead = await deadLetters.listDeadJobs({ queue });
      expect(dead.jobs.map((job) => job.payloadJson)).toEqual([lossy]);
    } finally {
      sdk.close();
    }
  });
});

describe("payload_json given over RPC is stored byte for byte", () => {
  it("Enqueue over Connect binary, Connect JSON and grpc-js; REST hands out the same bytes", async () => {
    const texts = [lossy, ' [1.000, "\\u00e9", {"b":1,"a":2}] ', "12345678901234567890123", '"x"'];
    for (const binary of [true, false]) {
      const queue = `pj-enqueue-${binary ? "binary" : "json"}`;
      for (const text of texts) await connectQueue(binary).enqueue({ queue, payloadJson: text });
      for (const text of texts) expect(await restTake(queue)).toBe(text);
    }
    await grpcUnary("Enqueue", { queue: "pj-enqueue-grpc", payloadJson: lossy });
    expect(await restTake("pj-enqueue-grpc")).toBe(lossy);
  });

  it("EnqueueBatch payloads_json, each job byte for byte and in order", async () => {
    const queue = "pj-batch";
    const texts = [lossy, "1.10", "[ ]"];
    const { ids } = await connectQueue(true).enqueueBatch({ queue, payloadsJson: texts });
    expect(ids).toHaveLength(3);
    for (const text of texts) expect(await restTake(queue)).toBe(text);
  });

  it("PutSchedule payload_json: ListSchedules and REST show the same bytes", async () => {
    const queue = "pj-schedule";
    const { schedule } = await connectSchedules().putSchedule({
      schedule: { name: "s", queue, timing: { case: "everySeconds", value: 3600 }, payloadJson: lossy },
    });
    expect(schedule?.payloadJson).toBe(lossy);
    const { schedules } = await connectSchedules().listSchedules({ queue });
    expect(schedules.map((s) => s.payloadJson)).toEqual([lossy]);
    const rest = await (await fetch(`${presque.url}/schedules/${queue}`)).text();
    expect(rest).toContain(`"payload":${lossy}`);
  });

  it("bad payload_json is INVALID_ARGUMENT and stores nothing, with the REST checks", async () => {
    const queue = "pj-bad";
    const client = connectQueue(true);
    const bad = ["", "   ", "{", "[1,]", "NaN", "1e400", `${"[".repeat(33)}1${"]".repeat(33)}`];
    for (const payloadJson of bad.slice(1)) {
      expect(await rpcCode(client.enqueue({ queue, payloadJson })), payloadJson).toBe("InvalidArgument");
      expect(await rpcCode(client.enqueueBatch({ queue, payloadsJson: ["1", payloadJson] }))).toBe(
        "InvalidArgument",
      );
    }
    // an empty string is "not set" for the single enqueue (no payload at all), a bad element in a batch
    expect(await rpcCode(client.enqueue({ queue, payloadJson: "" }))).toBe("InvalidArgument");
    const error = await client.enqueueBatch({ queue, payloadsJson: ["1", ""] }).catch((e: unknown) => e);
    expect((error as ConnectError).rawMessage).toBe("payloads_json[1] is empty: a job is any JSON value");
    const big = await client.enqueue({ queue, payloadJson: "1e400" }).catch((e: unknown) => e);
    expect((big as ConnectError).rawMessage).toMatch(/payload_json has a number too large for a double/);
    const deep = await client.enqueue({ queue, payloadJson: bad[6] as string }).catch((e: unknown) => e);
    expect((deep as ConnectError).rawMessage).toMatch(/payload_json nests .* deeper than 32/);
    await expectNothingStored(queue);
  });

  it("payload and payload_json together are refused, on Enqueue, EnqueueBatch and PutSchedule", async () => {
    const queue = "pj-both";
    const client = connectQueue(true);
    const value = { kind: { case: "numberValue" as const, value: 1 } };
    const both = await client.enqueue({ queue, payload: value, payloadJson: "1" }).catch((e: unknown) => e);
    expect((both as ConnectError).rawMessage).toBe("set payload or payload_json, not both");
    expect(await rpcCode(client.enqueueBatch({ queue, payloads: [value], payloadsJson: ["1"] }))).toBe(
      "InvalidArgument",
    );
    const schedule = { name: "s", queue, timing: { case: "everySeconds" as const, value: 60 } };
    expect(
      await rpcCode(
        connectSchedules().putSchedule({ schedule: { ...schedule, payload: value, payloadJson: "1" } }),
      ),
    ).toBe("InvalidArgument");
    await expectNothingStored(queue);
    // the Value alone still works as before, and its JSON is what payload_json then shows
    const { id } = await client.enqueue({ queue, payload: value });
    expect((await client.getJob({ queue, id })).job?.payloadJson).toBe("1");
  });
});

describe("a payload deeper than a Value can carry (limits.max_payload_depth raised)", () => {
  let deepServer: TestServer;
  beforeAll(async () => {
    deepServer = await startTestServer({ limits: { ...defaultConfig.limits, maxPayloadDepth: 200 } });
  });
  afterAll(() => deepServer.stop());

  it("is delivered over Connect binary and grpc-js with payload_json only", async () => {
    const text = `${"[".repeat(150)}1${"]".repeat(150)}`;
    const queue = "pj-deep";
    const created = await fetch(`${deepServer.baseUrl}/q/${queue}`, { method: "POST", body: text });
    const { id } = (await created.json()) as { id: string };
    const client = createClient(
      QueueService,
      createConnectTransport({ baseUrl: deepServer.baseUrl, httpVersion: "1.1", useBinaryFormat: true }),
    );
    const { jobs } = await client.fetch({ queue, leaseSeconds: 30 });
    expect(jobs.map((job) => [job.id, job.payloadJson, job.payload])).toEqual([[id, text, undefined]]);
    const grpcDeep = new QueueServiceClient(
      `127.0.0.1:${deepServer.port}`,
      grpc.credentials.createInsecure(),
    );
    try {
      const viaGrpc = await new Promise<{ job: { payloadJson: string; payload: unknown } }>(
        (resolve, reject) =>
          (grpcDeep as unknown as Record<string, GrpcUnary>).GetJob?.call(
            grpcDeep,
            { queue, id },
            (error, res) =>
              error ? reject(error) : resolve(res as { job: { payloadJson: string; payload: unknown } }),
          ),
      );
      expect(viaGrpc.job.payloadJson).toBe(text);
      expect(viaGrpc.job.payload).toBeNull();
    } finally {
      grpcDeep.close();
    }
  });
});
