import { describe, expect, it } from "vitest";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";

const presque = useTestServer();

interface Envelope {
  id: string;
  state: string;
  attempt: number;
  max_attempts: number;
  errors: { attempt: number; message: string; at: string }[];
  dead_reason?: string;
  due_at?: string;
  lease_token?: string;
}

async function lease(queue: string, query = "lease=60") {
  const answer = await curl(`${presque.url}/q/${queue}?${query}`);
  return {
    status: answer.status,
    id: answer.headers["x-presque-job-id"] as string,
    token: answer.headers["x-presque-lease-token"] as string,
  };
}

async function nack(queue: string, job: { id: string; token: string }, body: object) {
  return json(
    await curl(
      "-X",
      "POST",
      `${presque.url}/q/${queue}/${job.id}/nack?token=${job.token}`,
      "-d",
      JSON.stringify(body),
    ),
  );
}

const envelope = async (queue: string, id: string) =>
  json(await curl(`${presque.url}/q/${queue}/${id}`)) as Envelope;

describe("retries", () => {
  it("a job failing 3 times with max_attempts 3 lands in dead letters with its 3 errors", async () => {
    await curl("-X", "POST", `${presque.url}/q/flaky?max_attempts=3`, "-d", '{"charge":42}');
    for (const attempt of [1, 2, 3]) {
      const job = await lease("flaky");
      expect(job.status).toBe(200);
      const outcome = await nack("flaky", job, { error: `card declined #${attempt}`, delay: 0 });
      expect(outcome).toMatchObject({ outcome: attempt < 3 ? "retry" : "dead" });
    }
    expect((await curl(`${presque.url}/q/flaky?lease=60`)).status).toBe(204);

    const dead = json(await curl(`${presque.url}/dead/flaky`)) as { jobs: Envelope[] };
    expect(dead.jobs).toHaveLength(1);
    const [job] = dead.jobs as [Envelope];
    expect(job).toMatchObject({ state: "dead", attempt: 3, dead_reason: "failed 3 of 3 attempts" });
    expect(job.errors.map((e) => [e.attempt, e.message])).toEqual([
      [1, "card declined #1"],
      [2, "card declined #2"],
      [3, "card declined #3"],
    ]);
    expect(json(await curl(`${presque.url}/j/flaky`))).toMatchObject({ ready: 0, dead: 1, failed: 3 });
  });

  it("redrive puts a dead job back, delivered next with attempt 1 and its history kept", async () => {
    await curl("-X", "POST", `${presque.url}/q/redrive-me?max_attempts=1`, "-d", '"x"');
    const first = await lease("redrive-me");
    await nack("redrive-me", first, { error: "boom" });
    const redriven = await curl(
      "-X",
      "POST",
      `${presque.url}/dead/redrive-me/redrive`,
      "-d",
      JSON.stringify({ ids: [first.id] }),
    );
    expect(json(redriven)).toEqual({ queue: "redrive-me", redriven: 1 });

    const again = await curl(`${presque.url}/q/redrive-me?lease=60`);
    expect(again.headers["x-presque-job-id"]).toBe(first.id);
    expect(again.headers["x-presque-attempt"]).toBe("1");
    expect((await envelope("redrive-me", first.id)).errors.map((e) => e.message)).toEqual(["boom"]);
  });

  it("a failure marked not retryable goes to dead letters at once", async () => {
    await curl("-X", "POST", `${presque.url}/q/fatal`, "-d", "{}");
    const job = await lease("fatal");
    expect(await nack("fatal", job, { error: "bad input", retryable: false })).toEqual({
      outcome: "dead",
      reason: "failed, not retryable",
    });
    expect((await envelope("fatal", job.id)).state).toBe("dead");
  });

  it("by default a retry waits an exponential backoff with jitter: 0.5-1 s, then 1-2 s", async () => {
    await curl("-X", "POST", `${presque.url}/q/backoff`, "-d", "{}");
    const delays: number[] = [];
    for (const attempt of [1, 2]) {
      const job = await lease("backoff");
      const outcome = (await nack("backoff", job, { error: `try ${attempt}` })) as { retry_at: string };
      const failedAt = Date.parse((await envelope("backoff", job.id)).errors.at(-1)?.at as string);
      delays.push(Date.parse(outcome.retry_at) - failedAt);
      expect((await envelope("backoff", job.id)).state).toBe("delayed");
      await runNow("backoff", job.id);
    }
    expect(delays[0]).toBeGreaterThanOrEqual(500);
    expect(delays[0]).toBeLessThanOrEqual(1000);
    expect(delays[1]).toBeGreaterThanOrEqual(1000);
    expect(delays[1]).toBeLessThanOrEqual(2000);
  });

  it("the queue's backoff policy can be fixed or none", async () => {
    await curl(
      "-X",
      "POST",
      `${presque.url}/control/fixed/settings`,
      "-d",
      '{"backoff":"fixed","backoff_base_seconds":30}',
    );
    await curl("-X", "POST", `${presque.url}/q/fixed`, "-d", "{}");
    const job = await lease("fixed");
    const { retry_at } = (await nack("fixed", job, { error: "later" })) as { retry_at: string };
    const failedAt = Date.parse((await envelope("fixed", job.id)).errors.at(-1)?.at as string);
    expect(Date.parse(retry_at) - failedAt).toBe(30_000);

    await curl("-X", "POST", `${presque.url}/control/fixed/settings`, "-d", '{"backoff":"none"}');
    await runNow("fixed", job.id);
    const second = await lease("fixed");
    await nack("fixed", second, { error: "again" });
    expect((await envelope("fixed", job.id)).state).toBe("ready");
  });

  it("a lease that expires on the last attempt sends the job to dead letters with 'lease expired'", async () => {
    await curl("-X", "POST", `${presque.url}/q/stuck?max_attempts=1`, "-d", "{}");
    const job = await lease("stuck", "lease=0.05");
    // Nothing announces a death: watch the job until the reaper has handled its lease.
    let dead = await envelope("stuck", job.id);
    while (dead.state === "leased") dead = await envelope("stuck", job.id);
    expect(dead).toMatchObject({ state: "dead", dead_reason: "lease expired on attempt 1 of 1" });
    expect(dead.errors.map((e) => e.message)).toEqual(["lease expired"]);
  });
});

/** "Run now": a delayed retry becomes ready without waiting for its backoff. */
async function runNow(queue: string, id: string) {
  const promoted = await curl("-X", "POST", `${presque.url}/q/${queue}/${id}/promote`);
  expect(promoted.status).toBe(200);
}
