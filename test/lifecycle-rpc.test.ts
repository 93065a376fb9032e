import { timestampDate, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlService } from "../gen/presque/v1/control_service_pb.ts";
import { JobState } from "../gen/presque/v1/job_pb.ts";
import { QueueService } from "../gen/presque/v1/queue_service_pb.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

let server: TestServer;
let queue: ReturnType<typeof createClient<typeof QueueService>>;
let control: ReturnType<typeof createClient<typeof ControlService>>;
beforeAll(async () => {
  server = await startTestServer();
  const transport = createGrpcTransport({ baseUrl: server.baseUrl });
  queue = createClient(QueueService, transport);
  control = createClient(ControlService, transport);
});
afterAll(() => server.stop());

const text = (value: string) => ({ kind: { case: "stringValue" as const, value } });

describe("the job lifecycle over gRPC", () => {
  it("retries by the queue's settings, then dead letters with every error", async () => {
    const { settings } = await control.updateQueueSettings({
      queue: "rpc-life",
      settings: { maxAttempts: 2, backoff: "none" },
    });
    expect(settings).toMatchObject({ maxAttempts: 2, backoff: "none", defaultLeaseSeconds: 30 });
    const { id } = await queue.enqueue({ queue: "rpc-life", payload: text("work") });

    const first = (await queue.fetch({ queue: "rpc-life" })).jobs[0];
    expect(first?.maxAttempts).toBe(2);
    const retry = await queue.nack({ queue: "rpc-life", id, leaseToken: first?.leaseToken, error: "one" });
    expect(retry.dead).toBe(false);
    const second = (await queue.fetch({ queue: "rpc-life" })).jobs[0];
    const dead = await queue.nack({ queue: "rpc-life", id, leaseToken: second?.leaseToken, error: "two" });
    expect(dead).toMatchObject({ dead: true, deadReason: "failed 2 of 2 attempts" });

    const { job } = await queue.getJob({ queue: "rpc-life", id });
    expect(job?.state).toBe(JobState.DEAD);
    expect(job?.errors.map((e) => [e.attempt, e.message])).toEqual([
      [1, "one"],
      [2, "two"],
    ]);
    const reset = await control.updateQueueSettings({ queue: "rpc-life", reset: ["max_attempts"] });
    expect(reset.settings?.maxAttempts).toBe(10);
  });

  it("takes run_at, unique keys and idempotency keys like REST", async () => {
    const runAt = Date.now() + 3_600_000;
    const request = {
      queue: "rpc-opts",
      payload: text("later"),
      options: { runAt: timestampFromMs(runAt), uniqueKey: "u1", idempotencyKey: "i1" },
    };
    const { id } = await queue.enqueue(request);
    const { job } = await queue.getJob({ queue: "rpc-opts", id });
    expect(job?.state).toBe(JobState.DELAYED);
    expect(timestampDate(job?.dueAt ?? timestampFromMs(0)).getTime()).toBe(runAt);
    expect(job?.uniqueKey).toBe("u1");

    expect(await queue.enqueue(request)).toMatchObject({ id, duplicate: true });
    const reused = await queue
      .enqueue({ ...request, payload: text("something else") })
      .catch((e: unknown) => ConnectError.from(e));
    expect((reused as ConnectError).code).toBe(Code.FailedPrecondition);
    const taken = await queue
      .enqueue({ queue: "rpc-opts", payload: text("again"), options: { uniqueKey: "u1" } })
      .catch((e: unknown) => ConnectError.from(e));
    expect(taken).toBeInstanceOf(ConnectError);
    expect((taken as ConnectError).code).toBe(Code.AlreadyExists);

    await queue.promoteJob({ queue: "rpc-opts", id });
    expect((await queue.fetch({ queue: "rpc-opts", autoAck: true })).jobs.map((j) => j.id)).toEqual([id]);
  });

  it("a full queue is RESOURCE_EXHAUSTED", async () => {
    await control.updateQueueSettings({ queue: "rpc-full", settings: { maxLength: 1 } });
    await queue.enqueue({ queue: "rpc-full", payload: text("1") });
    const refused = await queue
      .enqueue({ queue: "rpc-full", payload: text("2") })
      .catch((e: unknown) => ConnectError.from(e));
    expect((refused as ConnectError).code).toBe(Code.ResourceExhausted);
  });
});
