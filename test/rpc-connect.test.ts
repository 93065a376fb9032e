import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobState } from "../gen/presque/v1/job_pb.ts";
import { QueueService } from "../gen/presque/v1/queue_service_pb.ts";
import { StatsService } from "../gen/presque/v1/stats_service_pb.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** A job as the Connect JSON encoding spells it (proto3 JSON: camelCase, defaults left out). */
interface JobJson {
  id: string;
  queue: string;
  payload: unknown;
  attempt: number;
  enqueuedAt: string;
  leaseToken?: string;
  leaseDeadline?: string;
  priority?: number;
  state: string;
}

interface Answer<T> {
  status: number;
  contentType: string | null;
  body: T;
}

/** `curl -H 'content-type: application/json' -d '{...}' $baseUrl/presque.v1.QueueService/Enqueue` */
async function post<T = Record<string, unknown>>(path: string, request: unknown): Promise<Answer<T>> {
  const response = await fetch(`${server.baseUrl}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: (await response.json()) as T,
  };
}

/** A Connect GET, allowed for methods marked NO_SIDE_EFFECTS: the request rides in the query string. */
async function get<T = Record<string, unknown>>(path: string, request: unknown): Promise<Answer<T>> {
  const query = new URLSearchParams({ encoding: "json", message: JSON.stringify(request) });
  const response = await fetch(`${server.baseUrl}/${path}?${query}`);
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: (await response.json()) as T,
  };
}

const enqueue = (queue: string, payload: unknown) =>
  post<{ id: string }>("presque.v1.QueueService/Enqueue", { queue, payload });

const fetchJobs = (request: Record<string, unknown>) =>
  post<{ jobs?: JobJson[]; stopped?: boolean }>("presque.v1.QueueService/Fetch", request);

async function fetchOne(queue: string): Promise<JobJson> {
  const { status, body } = await fetchJobs({ queue });
  expect(status).toBe(200);
  expect(body.jobs).toHaveLength(1);
  return body.jobs?.[0] as JobJson;
}

describe("Connect JSON over plain HTTP", () => {
  it("enqueues a job, fetches it under a lease and acks it", async () => {
    const enqueued = await enqueue("connect-json-basic", { email: "a@example.com" });
    expect(enqueued.status).toBe(200);
    expect(enqueued.contentType).toBe("application/json");
    expect(enqueued.body.id).toMatch(/^[1-9][0-9]*$/);

    const job = await fetchOne("connect-json-basic");
    expect(job).toMatchObject({
      id: enqueued.body.id,
      queue: "connect-json-basic",
      payload: { email: "a@example.com" },
      attempt: 1,
      state: "JOB_STATE_LEASED",
    });
    expect(job.leaseToken).toEqual(expect.any(String));
    expect(Date.parse(job.leaseDeadline ?? "")).toBeGreaterThan(Date.parse(job.enqueuedAt));

    const acked = await post("presque.v1.QueueService/Ack", {
      queue: "connect-json-basic",
      id: job.id,
      leaseToken: job.leaseToken,
    });
    expect(acked).toMatchObject({ status: 200, body: {} });
    expect((await fetchJobs({ queue: "connect-json-basic" })).body).toEqual({});
  });

  it("accepts the proto field names (snake_case) as well as the JSON names", async () => {
    await enqueue("connect-json-snake", "x");
    const { body } = await fetchJobs({ queue: "connect-json-snake", max_jobs: 1, lease_seconds: 60 });
    const job = body.jobs?.[0] as JobJson;
    const acked = await post("presque.v1.QueueService/Ack", {
      queue: "connect-json-snake",
      id: job.id,
      lease_token: job.leaseToken,
    });
    expect(acked.status).toBe(200);
  });

  it("enqueues a batch and returns the ids in the order of the payloads", async () => {
    const batch = await post<{ ids: string[] }>("presque.v1.QueueService/EnqueueBatch", {
      queue: "connect-json-batch",
      payloads: ["first", "second", "third"],
    });
    expect(batch.status).toBe(200);
    expect(batch.body.ids).toHaveLength(3);

    const { body } = await fetchJobs({ queue: "connect-json-batch", maxJobs: 10 });
    expect(body.jobs?.map((job) => [job.id, job.payload])).toEqual([
      [batch.body.ids[0], "first"],
      [batch.body.ids[1], "second"],
      [batch.body.ids[2], "third"],
    ]);
  });

  it("a job nacked with delaySeconds 0 comes back on the next fetch with attempt 2", async () => {
    await enqueue("connect-json-nack", { n: 1 });
    const first = await fetchOne("connect-json-nack");

    const nacked = await post("presque.v1.QueueService/Nack", {
      queue: "connect-json-nack",
      id: first.id,
      leaseToken: first.leaseToken,
      error: "smtp timeout",
      delaySeconds: 0,
    });
    expect(nacked).toMatchObject({ status: 200, body: { retryAt: expect.any(String) } });

    const second = await fetchOne("connect-json-nack");
    expect(second).toMatchObject({ id: first.id, attempt: 2, payload: { n: 1 } });
    expect(second.leaseToken).not.toBe(first.leaseToken);
  });

  it("ExtendLease moves the deadline of the lease", async () => {
    await enqueue("connect-json-extend", "slow work");
    const { body } = await fetchJobs({ queue: "connect-json-extend", leaseSeconds: 10 });
    const job = body.jobs?.[0] as JobJson;

    const extended = await post<{ job: JobJson }>("presque.v1.QueueService/ExtendLease", {
      queue: "connect-json-extend",
      id: job.id,
      leaseToken: job.leaseToken,
      leaseSeconds: 3600,
    });
    expect(extended.status).toBe(200);
    expect(extended.body.job).toMatchObject({
      id: job.id,
      leaseToken: job.leaseToken,
      state: "JOB_STATE_LEASED",
    });
    // 10 s from the fetch against an hour from the extension: far apart whatever the clock does.
    expect(Date.parse(extended.body.job.leaseDeadline ?? "")).toBeGreaterThan(
      Date.parse(job.leaseDeadline ?? "") + 3_000_000,
    );
  });

  it("GetJob reads a job without changing it", async () => {
    const { body: enqueued } = await enqueue("connect-json-get", [1, 2, 3]);
    const request = { queue: "connect-json-get", id: enqueued.id };

    const read = await post<{ job: JobJson }>("presque.v1.QueueService/GetJob", request);
    expect(read.status).toBe(200);
    expect(read.body.job).toMatchObject({
      id: enqueued.id,
      queue: "connect-json-get",
      payload: [1, 2, 3],
      state: "JOB_STATE_READY",
    });
    expect(read.body.job.leaseToken).toBeUndefined();

    // NO_SIDE_EFFECTS, so GET works too; and the job is still there to fetch.
    expect((await get<{ job: JobJson }>("presque.v1.QueueService/GetJob", request)).body.job.id).toBe(
      enqueued.id,
    );
    expect((await fetchOne("connect-json-get")).id).toBe(enqueued.id);
  });

  it("GetJob of a job that does not exist is not_found", async () => {
    const answer = await post("presque.v1.QueueService/GetJob", { queue: "connect-json-missing", id: "999" });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      code: "not_found",
      message: "job 999 of queue connect-json-missing does not exist",
    });
  });

  it("acking with a stale lease token is failed_precondition", async () => {
    await enqueue("connect-json-stale", "x");
    const first = await fetchOne("connect-json-stale");
    await post("presque.v1.QueueService/Nack", {
      queue: "connect-json-stale",
      id: first.id,
      leaseToken: first.leaseToken,
      delaySeconds: 0,
    });
    await fetchOne("connect-json-stale");

    const answer = await post("presque.v1.QueueService/Ack", {
      queue: "connect-json-stale",
      id: first.id,
      leaseToken: first.leaseToken,
    });
    // The Connect protocol's own mapping (REST answers 409 for the same error).
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe("application/json");
    expect(answer.body).toEqual({
      code: "failed_precondition",
      message: `job ${first.id} of queue connect-json-stale is not leased under this token`,
    });
  });

  it("a queue name with a slash is invalid_argument", async () => {
    const answer = await enqueue("no/slashes", "x");
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      code: "invalid_argument",
      message: 'queue name "no/slashes" may only contain letters, digits, underscore, dot, colon and hyphen',
    });
  });

  it("a misspelt field is invalid_argument, not silently ignored", async () => {
    const answer = await post("presque.v1.QueueService/Fetch", { queue: "connect-json-typo", leaseSecs: 5 });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: "invalid_argument",
      message: expect.stringContaining("leaseSecs"),
    });
  });

  it("an enqueue without a payload is invalid_argument", async () => {
    const answer = await post("presque.v1.QueueService/Enqueue", { queue: "connect-json-no-payload" });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ code: "invalid_argument", message: "payload is missing" });
  });

  it("a stopped queue accepts jobs but hands none out until started", async () => {
    const queue = "connect-json-control";
    const stop = await post("presque.v1.ControlService/StopQueue", { queue });
    expect(stop).toMatchObject({ status: 200, body: {} });
    expect((await get("presque.v1.ControlService/GetQueueControl", { queue })).body).toEqual({
      queue,
      stopped: true,
    });

    expect((await enqueue(queue, "held")).status).toBe(200);
    expect((await fetchJobs({ queue })).body).toEqual({ stopped: true });

    await post("presque.v1.ControlService/StartQueue", { queue });
    expect((await post("presque.v1.ControlService/GetQueueControl", { queue })).body).toEqual({ queue });
    expect((await fetchOne(queue)).payload).toBe("held");
  });

  it("PurgeQueue removes ready, delayed and leased jobs and says how many", async () => {
    const queue = "connect-json-purge";
    await post("presque.v1.QueueService/EnqueueBatch", { queue, payloads: [1, 2] });
    await post("presque.v1.QueueService/Enqueue", { queue, payload: 3, options: { delaySeconds: 3600 } });
    await fetchOne(queue);

    const purged = await post("presque.v1.ControlService/PurgeQueue", { queue });
    expect(purged).toMatchObject({ status: 200, body: { purged: "3" } });
    const info = await get<{ info: Record<string, unknown> }>("presque.v1.StatsService/GetQueueInfo", {
      queue,
    });
    expect(info.body.info).not.toHaveProperty("ready");
    expect(info.body.info).not.toHaveProperty("delayed");
    expect(info.body.info).not.toHaveProperty("inFlight");
  });

  it("GetQueueInfo over GET counts the life of a queue (uint64 as JSON strings)", async () => {
    const queue = "connect-json-info";
    await post("presque.v1.QueueService/EnqueueBatch", { queue, payloads: ["a", "b", "c"] });
    const job = await fetchOne(queue);
    await post("presque.v1.QueueService/Ack", { queue, id: job.id, leaseToken: job.leaseToken });
    await fetchOne(queue);

    const answer = await get("presque.v1.StatsService/GetQueueInfo", { queue });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe("application/json");
    expect(answer.body).toEqual({
      info: { queue, ready: "1", inFlight: "1", enqueued: "3", processed: "1" },
    });
  });

  it("GetStats over GET lists every queue of this server", async () => {
    await enqueue("connect-json-stats", "x");
    const answer = await get<{ queues: { queue: string; ready?: string }[] }>(
      "presque.v1.StatsService/GetStats",
      {},
    );
    expect(answer.status).toBe(200);
    expect(answer.body.queues).toContainEqual(
      expect.objectContaining({ queue: "connect-json-stats", ready: "1" }),
    );
  });

  it("Fetch with wait_seconds on an empty queue returns the job enqueued while it waits", async () => {
    // The wait is longer than the test timeout: only the wake-up on enqueue can end it in time.
    const waiting = fetchJobs({ queue: "connect-json-wait", waitSeconds: 60 });
    const { body: enqueued } = await enqueue("connect-json-wait", { woke: true });

    const { status, body } = await waiting;
    expect(status).toBe(200);
    expect(body.jobs).toEqual([expect.objectContaining({ id: enqueued.id, payload: { woke: true } })]);
  });

  it.each([
    ["an object", { to: "a@example.com", tags: ["x"], nested: { ok: true } }],
    ["an array", [1, "two", null, { three: 3 }]],
    ["a string", "hello"],
    ["a number", 42.5],
    ["null", null],
  ])("a payload that is %s comes back as it went in", async (kind, payload) => {
    const queue = `connect-json-payload-${kind.replace(/\W/g, "")}`;
    const enqueued = await enqueue(queue, payload);
    expect(enqueued.status).toBe(200);
    const job = await fetchOne(queue);
    expect(job.payload).toEqual(payload);
  });
});

const sessions: Http2SessionManager[] = [];
afterAll(() => {
  for (const session of sessions) session.abort();
});

function http2Session(): Http2SessionManager {
  const session = new Http2SessionManager(server.baseUrl);
  sessions.push(session);
  return session;
}

describe.each<[string, () => Transport]>([
  ["Connect over HTTP/1.1", () => createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" })],
  [
    "Connect over h2c",
    () =>
      createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "2", sessionManager: http2Session() }),
  ],
  ["gRPC", () => createGrpcTransport({ baseUrl: server.baseUrl, sessionManager: http2Session() })],
  ["gRPC-Web over HTTP/1.1", () => createGrpcWebTransport({ baseUrl: server.baseUrl, httpVersion: "1.1" })],
])("a generated QueueService client, %s", (name, transport) => {
  const queue = `client-${name.replace(/\W+/g, "-").toLowerCase()}`;
  let client: ReturnType<typeof createClient<typeof QueueService>>;
  beforeAll(() => {
    client = createClient(QueueService, transport());
  });

  it("enqueues, fetches under a lease and acks", async () => {
    const { id } = await client.enqueue({
      queue,
      payload: { kind: { case: "stringValue", value: "over the wire" } },
    });

    const { jobs, stopped } = await client.fetch({ queue, leaseSeconds: 60 });
    expect(stopped).toBe(false);
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    expect(job?.id).toBe(id);
    expect(job?.state).toBe(JobState.LEASED);
    expect(job?.attempt).toBe(1);
    expect(job?.payload?.kind).toEqual({ case: "stringValue", value: "over the wire" });

    await client.ack({ queue, id, leaseToken: job?.leaseToken });
    expect((await client.fetch({ queue })).jobs).toEqual([]);
  });

  it("a stale lease token surfaces as ConnectError FailedPrecondition", async () => {
    const { id } = await client.enqueue({ queue, payload: { kind: { case: "numberValue", value: 7 } } });
    const first = await client.fetch({ queue });
    const staleToken = first.jobs[0]?.leaseToken;
    await client.nack({ queue, id, leaseToken: staleToken, delaySeconds: 0 });
    const second = await client.fetch({ queue });
    expect(second.jobs[0]?.id).toBe(id);

    const error = await client.ack({ queue, id, leaseToken: staleToken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.FailedPrecondition);
    expect((error as ConnectError).rawMessage).toBe(
      `job ${id} of queue ${queue} is not leased under this token`,
    );
  });

  it("a payload JSON cannot hold (NaN) is invalid_argument and stores nothing", async () => {
    const nanQueue = `${queue}-nan`;
    const error = await client
      .enqueue({ queue: nanQueue, payload: { kind: { case: "numberValue", value: Number.NaN } } })
      .catch((e: unknown) => e);
    // Binary protobuf can carry NaN, JSON cannot: presque refuses it rather than store a broken job.
    expect(ConnectError.from(error).code).toBe(Code.InvalidArgument);
    const stats = createClient(StatsService, transport());
    expect((await stats.getQueueInfo({ queue: nanQueue })).info?.enqueued).toBe(0n);
  });
});
