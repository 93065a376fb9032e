import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { describe, expect, it } from "vitest";
import { DeadLetterService } from "../gen/presque/v1/dead_letter_service_pb.ts";
import { JobState } from "../gen/presque/v1/job_pb.ts";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";
import { redisClockPast } from "./support/redis-clock.ts";

const presque = useTestServer();

/** Enqueues the payloads and fails each once with its error text, on a queue with max_attempts 1. */
async function killAll(queue: string, failures: [payload: string, error: string][]) {
  await curl("-X", "POST", `${presque.url}/control/${queue}/settings`, "-d", '{"max_attempts":1}');
  for (const [payload, error] of failures) {
    await curl("-X", "POST", `${presque.url}/q/${queue}`, "-d", payload);
    const leased = await curl(`${presque.url}/q/${queue}?lease=60`);
    const path = `${presque.url}/q/${queue}/${leased.headers["x-presque-job-id"]}/nack?token=${leased.headers["x-presque-lease-token"]}`;
    await curl("-X", "POST", path, "-d", JSON.stringify({ error }));
  }
}

interface Page {
  jobs: { id: string; payload: unknown; last_error: string }[];
  next_cursor?: string;
}

describe("dead letters over REST", () => {
  it("lists dead jobs oldest first, a page at a time, with a cursor", async () => {
    await killAll(
      "pages",
      Array.from({ length: 5 }, (_, n) => [String(n), `error ${n}`] as [string, string]),
    );
    const seen: unknown[] = [];
    let page = json(await curl(`${presque.url}/dead/pages?limit=2`)) as Page;
    seen.push(...page.jobs.map((job) => job.payload));
    while (page.next_cursor) {
      page = json(await curl(`${presque.url}/dead/pages?limit=2&cursor=${page.next_cursor}`)) as Page;
      seen.push(...page.jobs.map((job) => job.payload));
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect((await curl(`${presque.url}/dead/pages?cursor=nonsense`)).status).toBe(400);
  });

  it("redrives only the jobs whose last error matches a filter", async () => {
    await killAll("filtered", [
      ['"a"', "smtp timeout"],
      ['"b"', "bad address"],
      ['"c"', "smtp timeout again"],
    ]);
    const answer = await curl(
      "-X",
      "POST",
      `${presque.url}/dead/filtered/redrive`,
      "-d",
      '{"error_contains":"smtp"}',
    );
    expect(json(answer)).toEqual({ queue: "filtered", redriven: 2 });
    expect((json(await curl(`${presque.url}/dead/filtered`)) as Page).jobs.map((job) => job.payload)).toEqual(
      ["b"],
    );
    expect(json(await curl(`${presque.url}/j/filtered`))).toMatchObject({ ready: 2, dead: 1 });
  });

  it("redrives everything to another queue, each job once", async () => {
    await killAll("from", [
      ['{"n":1}', "x"],
      ['{"n":2}', "y"],
    ]);
    expect(
      json(await curl("-X", "POST", `${presque.url}/dead/from/redrive`, "-d", '{"to":"elsewhere"}')),
    ).toEqual({
      queue: "from",
      redriven: 2,
    });
    expect(json(await curl(`${presque.url}/j/from`))).toMatchObject({ dead: 0, ready: 0 });
    expect((await curl(`${presque.url}/qb/elsewhere`)).body).toBe('[{"n":1},{"n":2}]');
  });

  it("deletes given dead jobs, then all of them", async () => {
    await killAll("gone", [
      ["1", "x"],
      ["2", "x"],
      ["3", "x"],
    ]);
    const ids = (json(await curl(`${presque.url}/dead/gone`)) as Page).jobs.map((job) => job.id);
    expect(
      json(await curl("-X", "DELETE", `${presque.url}/dead/gone`, "-d", JSON.stringify({ ids: [ids[0]] }))),
    ).toEqual({
      queue: "gone",
      deleted: 1,
    });
    expect(json(await curl("-X", "DELETE", `${presque.url}/dead/gone`))).toEqual({
      queue: "gone",
      deleted: 2,
    });
    expect((await curl(`${presque.url}/q/gone/${ids[1]}`)).status).toBe(404);
  });
});

describe("dead letters: what a careless request must not do", () => {
  it("delete refuses a filter or an empty id list instead of deleting everything", async () => {
    await killAll("careful", [
      ["1", "boom"],
      ["2", "other"],
    ]);
    for (const body of ['{"error_contains":"boom"}', '{"to":"x"}', '{"ids":[]}']) {
      expect((await curl("-X", "DELETE", `${presque.url}/dead/careful`, "-d", body)).status).toBe(400);
    }
    expect((await curl("-X", "POST", `${presque.url}/dead/careful/redrive`, "-d", '{"ids":[]}')).status).toBe(
      400,
    );
    expect(json(await curl(`${presque.url}/j/careful`))).toMatchObject({ dead: 2 });
  });

  it("a job that died of its deadline is delivered after a redrive, not buried again", async () => {
    const soon = new Date(Date.now() + 200).toISOString();
    const { id } = json(
      await curl("-X", "POST", `${presque.url}/q/late?expires_at=${soon}`, "-d", '"late"'),
    ) as {
      id: string;
    };
    await redisClockPast(Date.parse(soon));
    expect((await curl(`${presque.url}/q/late`)).status).toBe(204);
    await curl("-X", "POST", `${presque.url}/dead/late/redrive`, "-d", JSON.stringify({ ids: [id] }));
    expect((await curl(`${presque.url}/q/late`)).body).toBe('"late"');
  });
});

describe("DeadLetterService over RPC", () => {
  it("lists, redrives and deletes like REST", async () => {
    await killAll("rpc-dead", [
      ['"one"', "first"],
      ['"two"', "second"],
    ]);
    const client = createClient(
      DeadLetterService,
      createConnectTransport({ baseUrl: presque.url, httpVersion: "1.1" }),
    );
    const { jobs, nextCursor } = await client.listDeadJobs({ queue: "rpc-dead" });
    expect(nextCursor).toBe("");
    expect(jobs.map((job) => [job.state, job.deadReason, job.errors[0]?.message])).toEqual([
      [JobState.DEAD, "failed 1 of 1 attempts", "first"],
      [JobState.DEAD, "failed 1 of 1 attempts", "second"],
    ]);
    expect(await client.redriveDeadJobs({ queue: "rpc-dead", ids: [jobs[0]?.id as string] })).toMatchObject({
      redriven: 1,
    });
    expect(await client.deleteDeadJobs({ queue: "rpc-dead" })).toMatchObject({ deleted: 1 });
  });
});
