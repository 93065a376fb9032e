import { fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueueService } from "../gen/presque/v1/queue_service_pb.ts";
import { ScheduleService } from "../gen/presque/v1/schedule_service_pb.ts";
import { defaultConfig } from "../src/config/config.ts";
import { grpcJsQueueService } from "./support/grpc-js-queue-service.ts";
import { useTestServer } from "./support/presque-server.ts";

/*
 * limits.max_payload_depth: what RPC clients cannot decode is refused at enqueue, on every edge.
 * protobuf-es stops at 100 message levels, two per JSON level: a Connect binary client cannot
 * read a job 49 deep (measured), so the default (32) must pass every transport.
 */

const presque = useTestServer();
const limit = defaultConfig.limits.maxPayloadDepth;
const nested = (depth: number, leaf = "1") => `${"[".repeat(depth)}${leaf}${"]".repeat(depth)}`;
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const asValue = (json: string) => fromJson(ValueSchema, JSON.parse(json) as JsonValue);

const post = (path: string, body: string) => fetch(`${presque.url}${path}`, { method: "POST", body });

/** Nothing was stored: the queue never came to exist. */
async function expectNothingStored(queue: string) {
  const status = (await (await fetch(`${presque.url}/status`)).json()) as { queues: string[] };
  expect(status.queues).not.toContain(queue);
}

async function expectRefused(answer: Response, message: RegExp) {
  expect(answer.status).toBe(400);
  const body = (await answer.json()) as { code: string; message: string };
  expect(body.code).toBe("invalid_argument");
  expect(body.message).toMatch(message);
}

const rpcCode = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) => (error instanceof ConnectError ? Code[error.code] : String(error)),
  );

describe("REST refuses a payload deeper than limits.max_payload_depth", () => {
  it("one level too deep, as arrays and as objects: 400, nothing stored", async () => {
    await expectRefused(await post("/q/deep-a", nested(limit + 1)), /deeper than 32 levels/);
    await expectRefused(await post("/q/deep-o", nestedObject(limit + 1)), /max_payload_depth/);
    await expectNothingStored("deep-a");
    await expectNothingStored("deep-o");
  });

  it("100,000 deep, with or without 1e400 inside, is a 400 and not a stack overflow", async () => {
    await expectRefused(await post("/q/deep-100k", nested(100_000)), /deeper than/);
    await expectRefused(await post("/q/deep-100k", nested(100_000, "1e400")), /deeper than/);
    await expectNothingStored("deep-100k");
  });

  it("a batch with one job too deep is refused whole; brackets inside strings do not count", async () => {
    const jobs = `[${nested(limit)}, ${nested(limit + 1)}]`;
    await expectRefused(await post("/qb/deep-batch", `{"jobs": ${jobs}}`), /jobs\[1\] nests/);
    await expectNothingStored("deep-batch");
    const quoted = JSON.stringify({ text: "[".repeat(100), more: '{\\"[[[[' });
    expect((await post("/q/deep-quoted", quoted)).status).toBe(201);
    expect((await post("/qb/deep-batch-ok", `{"jobs": [${nested(limit)}]}`)).status).toBe(201);
  });
});

describe("RPC refuses the same with INVALID_ARGUMENT", () => {
  const connect = () =>
    createConnectTransport({ baseUrl: presque.url, httpVersion: "1.1", useBinaryFormat: true });

  it("Enqueue, EnqueueBatch and PutSchedule", async () => {
    const queue = createClient(QueueService, connect());
    const deep = asValue(nested(limit + 1));
    expect(await rpcCode(queue.enqueue({ queue: "deep-rpc", payload: deep }))).toBe("InvalidArgument");
    expect(await rpcCode(queue.enqueueBatch({ queue: "deep-rpc", payloads: [asValue("1"), deep] }))).toBe(
      "InvalidArgument",
    );
    const schedules = createClient(ScheduleService, connect());
    const schedule = { name: "s", queue: "deep-rpc", timing: { case: "everySeconds" as const, value: 60 } };
    expect(await rpcCode(schedules.putSchedule({ schedule: { ...schedule, payload: deep } }))).toBe(
      "InvalidArgument",
    );
    await expectNothingStored("deep-rpc");
    expect(await rpcCode(queue.enqueue({ queue: "deep-rpc-ok", payload: asValue(nested(limit)) }))).toBe(
      "ok",
    );
  });
});

describe("a payload exactly at the limit is delivered on every transport", () => {
  const QueueServiceClient = grpcJsQueueService();
  let grpcClient: grpc.Client | undefined;
  beforeAll(() => {
    grpcClient = new QueueServiceClient(
      `127.0.0.1:${presque.server.port}`,
      grpc.credentials.createInsecure(),
    );
  });
  afterAll(() => grpcClient?.close());

  it("enqueued over REST, read over Connect binary, Connect JSON and grpc-js", async () => {
    const payload = nested(limit);
    const created = await post("/q/at-limit", payload);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    for (const useBinaryFormat of [true, false]) {
      const queue = createClient(
        QueueService,
        createConnectTransport({ baseUrl: presque.url, httpVersion: "1.1", useBinaryFormat }),
      );
      const { job } = await queue.getJob({ queue: "at-limit", id });
      expect(JSON.stringify(toJson(ValueSchema, job?.payload ?? asValue("null")))).toBe(payload);
    }
    const viaGrpc = await new Promise<{ job: { payload: GrpcValue } }>((resolve, reject) => {
      const client = grpcClient as unknown as Record<string, GrpcUnary>;
      client.GetJob?.call(grpcClient, { queue: "at-limit", id }, (error, response) =>
        error ? reject(error) : resolve(response as { job: { payload: GrpcValue } }),
      );
    });
    expect(listDepth(viaGrpc.job.payload)).toBe(limit);
    // a leased fetch hands it out too (it used to answer 500 and leave the job leased)
    const queue = createClient(
      QueueService,
      createConnectTransport({ baseUrl: presque.url, httpVersion: "1.1", useBinaryFormat: true }),
    );
    const fetched = await queue.fetch({ queue: "at-limit", maxJobs: 1, leaseSeconds: 30 });
    expect(fetched.jobs.map((job) => job.id)).toEqual([id]);
  });
});

type GrpcUnary = (req: object, callback: (error: Error | null, response: unknown) => void) => void;
interface GrpcValue {
  kind: string;
  listValue?: { values: GrpcValue[] };
}

/** How many lists are nested in a grpc-js (proto-loader) google.protobuf.Value. */
function listDepth(value: GrpcValue): number {
  let depth = 0;
  let current: GrpcValue | undefined = value;
  while (current?.kind === "listValue") {
    depth++;
    current = current.listValue?.values[0];
  }
  return depth;
}
