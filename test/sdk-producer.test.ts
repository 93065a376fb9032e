import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HealthCheckResponse_ServingStatus as Status } from "../gen/grpc/health/v1/health_pb.ts";
import { defaultConfig } from "../src/config/config.ts";
import { silentLogger } from "../src/log.ts";
import {
  bigIntReviver,
  createPresqueClient,
  type FullPresqueClient,
  Worker,
  type WorkerJob,
  type WorkerOptions,
} from "../src/sdk/index.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

/*
 * The SDK's producer API (client.enqueue / enqueueBatch / enqueueJson with plain JSON), the typed
 * clients it adds (deadLetters, schedules, health), and the Worker reading payload_json: the job's
 * payload parsed by the SDK itself (optionally with a reviver) and its stored text.
 */

let server: TestServer;
let client: FullPresqueClient;
let grpcClient: FullPresqueClient;
beforeAll(async () => {
  // deep enough for a payload a google.protobuf.Value could not carry
  server = await startTestServer({ limits: { ...defaultConfig.limits, maxPayloadDepth: 200 } });
  client = createPresqueClient({ baseUrl: server.baseUrl });
  grpcClient = createPresqueClient({ baseUrl: server.baseUrl, protocol: "grpc" });
});
afterAll(async () => {
  client.close();
  grpcClient.close();
  await server.stop();
});

const lossy = '{"big": 12345678901234567890, "f": 1.10}';

/** presque's classic GET: the body is the stored payload, byte for byte. */
async function restTake(queue: string): Promise<string> {
  const answer = await fetch(`${server.baseUrl}/q/${queue}`);
  expect(answer.status).toBe(200);
  return answer.text();
}

async function restJob(queue: string, id: string): Promise<Record<string, unknown>> {
  const answer = await fetch(`${server.baseUrl}/q/${queue}/${id}`);
  expect(answer.status).toBe(200);
  return (await answer.json()) as Record<string, unknown>;
}

describe("client.enqueue, enqueueBatch and enqueueJson take plain JSON", () => {
  it("enqueue stores the JSON of the payload (bigints exact), with every option", async () => {
    const queue = "sdk-p-one";
    const runAt = new Date(Date.now() + 3_600_000);
    const { id, duplicate } = await client.enqueue(
      queue,
      { to: "a@b.c", n: 12345678901234567890n, list: [1.5, null, true] },
      {
        priority: 7,
        runAt,
        maxAttempts: 4,
        uniqueKey: "u-1",
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      },
    );
    expect(duplicate).toBe(false);
    const job = await restJob(queue, id);
    expect(job).toMatchObject({
      state: "delayed",
      priority: 7,
      max_attempts: 4,
      unique_key: "u-1",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      due_at: runAt.toISOString(),
    });
    const stored = (await client.queue.getJob({ queue, id })).job?.payloadJson;
    expect(stored).toBe('{"to":"a@b.c","n":12345678901234567890,"list":[1.5,null,true]}');
  });

  it("the same idempotency key adds nothing the second time; over gRPC too", async () => {
    const queue = "sdk-p-idem";
    for (const c of [client, grpcClient]) {
      const key = `k-${c === client ? "connect" : "grpc"}`;
      const first = await c.enqueue(queue, "x", { idempotencyKey: key });
      const again = await c.enqueue(queue, "x", { idempotencyKey: key });
      expect(again).toEqual({ id: first.id, duplicate: true });
    }
    expect((await client.stats.getQueueInfo({ queue })).info?.ready).toBe(2n);
  });

  it("enqueueBatch: ids in order, each payload stored as its JSON, options on every job", async () => {
    const queue = "sdk-p-batch";
    const payloads = [{ a: 1 }, "two", [3], 4n ** 40n];
    const options = { priority: -3, idempotencyKey: "batch-1" };
    const { ids, duplicate } = await client.enqueueBatch<unknown>(queue, payloads, options);
    expect(ids).toHaveLength(4);
    expect(duplicate).toBe(false);
    expect(await client.enqueueBatch(queue, payloads, options)).toEqual({
      ids,
      duplicate: true,
    });
    expect((await restJob(queue, ids[1] as string)).priority).toBe(-3);
    for (const text of ['{"a":1}', '"two"', "[3]", (4n ** 40n).toString()]) {
      expect(await restTake(queue)).toBe(text);
    }
  });

  it("enqueueJson stores the text as is; text that is not JSON is refused by the server", async () => {
    const queue = "sdk-p-json";
    await client.enqueueJson(queue, lossy);
    expect(await restTake(queue)).toBe(lossy);
    const error = await client.enqueueJson(queue, "{nope").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    expect((error as ConnectError).rawMessage).toMatch(/^payload_json is not JSON/);
  });

  it("a payload that is not JSON is a TypeError before anything is sent", async () => {
    await expect(client.enqueue("sdk-p-bad", undefined)).rejects.toThrow(/payload is not a JSON value/);
    await expect(client.enqueueBatch("sdk-p-bad", [1, () => 1])).rejects.toThrow(/payloads\[1\] is not/);
    const status = (await (await fetch(`${server.baseUrl}/status`)).json()) as { queues: string[] };
    expect(status.queues).not.toContain("sdk-p-bad");
  });

  it("the payload type is checked at compile time", async () => {
    const typed = (to: string) => client.enqueue<{ to: string }>("sdk-p-typed", { to });
    // @ts-expect-error: a number is not { to: string }
    const wrong = () => client.enqueue<{ to: string }>("sdk-p-typed", { to: 1 });
    expect(typeof wrong).toBe("function");
    expect((await typed("a")).id).toMatch(/^[1-9]/);
  });
});

describe("typed clients of the services that were missing", () => {
  it("deadLetters, schedules and health", async () => {
    const queue = "sdk-p-services";
    const { id } = await client.enqueue(queue, { x: 1 });
    const { jobs } = await client.queue.fetch({ queue, leaseSeconds: 30 });
    await client.queue.nack({ queue, id, leaseToken: jobs[0]?.leaseToken ?? "", retryable: false });
    const dead = await client.deadLetters.listDeadJobs({ queue });
    expect(dead.jobs.map((job) => [job.id, job.payloadJson])).toEqual([[id, '{"x":1}']]);
    expect((await client.deadLetters.redriveDeadJobs({ queue })).redriven).toBe(1);

    const put = await client.schedules.putSchedule({
      schedule: { name: "daily", queue, timing: { case: "cron", value: "0 9 * * *" }, payloadJson: lossy },
    });
    expect(put.schedule?.payloadJson).toBe(lossy);
    expect((await client.schedules.listSchedules({ queue })).schedules.map((s) => s.name)).toEqual(["daily"]);
    expect((await client.schedules.deleteSchedule({ queue, name: "daily" })).deleted).toBe(true);

    expect((await client.health.check({ service: "" })).status).toBe(Status.SERVING);
    expect((await grpcClient.health.check({ service: "presque.v1.QueueService" })).status).toBe(
      Status.SERVING,
    );
  });
});

describe("the Worker parses payload_json itself", () => {
  function runOne<Payload>(
    queue: string,
    options: Partial<WorkerOptions<Payload>> = {},
  ): Promise<WorkerJob<Payload>> {
    return new Promise((resolve, reject) => {
      const worker = new Worker<Payload>({
        url: server.baseUrl,
        log: silentLogger,
        handleSignals: false,
        ...options,
        queues: [queue],
        work(job) {
          resolve(job);
          void worker.stop();
        },
      });
      worker.run().catch(reject);
    });
  }

  for (const transport of ["stream", "poll"] as const) {
    it(`gives work() the parsed payload and the stored text (${transport})`, async () => {
      const queue = `sdk-p-worker-${transport}`;
      const created = await fetch(`${server.baseUrl}/q/${queue}`, { method: "POST", body: lossy });
      expect(created.status).toBe(201);
      const job = await runOne<{ big: number; f: number }>(queue, { transport });
      expect(job.payloadText).toBe(lossy);
      expect(job.payload).toEqual({ big: 12345678901234567000, f: 1.1 });
    });
  }

  it("with bigIntReviver, integers beyond 2^53 arrive exact as bigints", async () => {
    const queue = "sdk-p-worker-bigint";
    await client.enqueueJson(queue, lossy);
    const job = await runOne<{ big: bigint; f: number }>(queue, { reviver: bigIntReviver });
    expect(job.payload.big).toBe(12345678901234567890n);
    expect(job.payload.f).toBe(1.1);
  });

  it("a reviver that throws fails the job: nacked with its message, work() never called", async () => {
    const queue = "sdk-p-worker-reviver-throws";
    const { id } = await client.enqueue(queue, { a: 1 });
    const failed = new Promise<unknown>((resolve) => {
      const worker = new Worker({
        url: server.baseUrl,
        log: silentLogger,
        handleSignals: false,
        queues: [queue],
        reviver: () => {
          throw new Error("reviver says no");
        },
        work: () => resolve("work was called"),
        fail(_job, error) {
          resolve((error as Error).message);
          void worker.stop();
        },
      });
      void worker.run();
    });
    expect(await failed).toBe("reviver says no");
    await expect
      .poll(async () => (await client.queue.getJob({ queue, id })).job?.errors.map((e) => e.message))
      .toEqual(["reviver says no"]);
  });

  it("a job deeper than a protobuf Value can carry reaches work() whole", async () => {
    const queue = "sdk-p-worker-deep";
    const text = `${"[".repeat(150)}"leaf"${"]".repeat(150)}`;
    await client.enqueueJson(queue, text);
    const job = await runOne<unknown>(queue);
    expect(job.payloadText).toBe(text);
    let depth = 0;
    let value = job.payload;
    while (Array.isArray(value)) {
      depth++;
      value = value[0];
    }
    expect([depth, value]).toEqual([150, "leaf"]);
  });

  it("refuses a reviver that is not a function", () => {
    expect(() => new Worker({ queues: ["q"], work() {}, reviver: 1 } as unknown as WorkerOptions)).toThrow(
      /reviver must be a function/,
    );
  });
});
