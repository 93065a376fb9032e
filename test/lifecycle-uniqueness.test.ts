import { describe, expect, it } from "vitest";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";
import { redisClockPast } from "./support/redis-clock.ts";

const presque = useTestServer();

/** 50 identical requests at once, through fetch (50 curl processes would measure the machine). */
const fiftyAtOnce = (path: string, init: RequestInit) =>
  Promise.all(
    Array.from({ length: 50 }, async () => {
      const response = await fetch(`${presque.url}${path}`, init);
      return {
        status: response.status,
        body: (await response.json()) as Record<string, unknown>,
        headers: response.headers,
      };
    }),
  );

describe("presque's ?uniq=", () => {
  it("50 concurrent identical enqueues with one uniq key create exactly one job", async () => {
    const answers = await fiftyAtOnce("/q/uniq?uniq=invoice-7", { method: "POST", body: '{"invoice":7}' });
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 409);
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(49);
    expect(refused[0]?.body).toEqual({
      code: "already_exists",
      message: `job already exists: job ${created[0]?.body.id} holds unique key invoice-7`,
    });
    expect(json(await curl(`${presque.url}/j/uniq`))).toMatchObject({ ready: 1, enqueued: 1 });
  });

  it("the key is held while the job is queued or leased, and free once it is acked", async () => {
    await curl("-X", "POST", `${presque.url}/q/uniq-life?uniq=k`, "-d", "1");
    const leased = await curl(`${presque.url}/q/uniq-life?lease=60`);
    expect((await curl("-X", "POST", `${presque.url}/q/uniq-life?uniq=k`, "-d", "2")).status).toBe(409);
    const id = leased.headers["x-presque-job-id"];
    await curl(
      "-X",
      "DELETE",
      `${presque.url}/q/uniq-life/${id}?token=${leased.headers["x-presque-lease-token"]}`,
    );
    expect((await curl("-X", "POST", `${presque.url}/q/uniq-life?uniq=k`, "-d", "3")).status).toBe(201);
  });

  it("a dead job frees its key, and a purge frees every key", async () => {
    await curl("-X", "POST", `${presque.url}/q/uniq-dead?uniq=k&max_attempts=1`, "-d", "1");
    const leased = await curl(`${presque.url}/q/uniq-dead?lease=60`);
    const [id, token] = [leased.headers["x-presque-job-id"], leased.headers["x-presque-lease-token"]];
    await curl("-X", "POST", `${presque.url}/q/uniq-dead/${id}/nack?token=${token}`, "-d", '{"error":"x"}');
    expect((await curl("-X", "POST", `${presque.url}/q/uniq-dead?uniq=k`, "-d", "2")).status).toBe(201);
    await curl("-X", "DELETE", `${presque.url}/q/uniq-dead`);
    expect((await curl("-X", "POST", `${presque.url}/q/uniq-dead?uniq=k`, "-d", "3")).status).toBe(201);
  });
});

describe("Idempotency-Key", () => {
  it("50 concurrent identical requests with one key create one job and all get its id", async () => {
    const answers = await fiftyAtOnce("/q/idem", {
      method: "POST",
      body: '{"order":1}',
      headers: { "idempotency-key": "order-1" },
    });
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const replays = answers.filter((a) => a.status === 200);
    expect(replays).toHaveLength(49);
    expect(replays[0]?.headers.get("idempotent-replayed")).toBe("true");
    expect(json(await curl(`${presque.url}/j/idem`))).toMatchObject({ ready: 1, enqueued: 1 });
  });

  it("refuses a key reused for a different request with 422, adding nothing", async () => {
    const send = (body: string) =>
      curl("-X", "POST", `${presque.url}/q/idem-reuse`, "-H", "Idempotency-Key: k-1", "-d", body);
    expect((await send('{"order":1}')).status).toBe(201);
    const refused = await send('{"order":2}');
    expect(refused.status).toBe(422);
    expect(json(refused)).toEqual({
      code: "failed_precondition",
      message: "idempotency key k-1 was used for a different request; use a new key",
    });
    expect(json(await curl(`${presque.url}/j/idem-reuse`))).toMatchObject({ enqueued: 1 });
  });

  it("a retried batch returns the first ids and adds nothing", async () => {
    const send = () =>
      curl(
        "-X",
        "POST",
        `${presque.url}/qb/idem-batch`,
        "-H",
        "Idempotency-Key: b-1",
        "-d",
        '{"jobs":[1,2,3]}',
      );
    const first = await send();
    const again = await send();
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(json(again)).toEqual(json(first));
    expect(json(await curl(`${presque.url}/j/idem-batch`))).toMatchObject({ enqueued: 3 });
  });
});

describe("time", () => {
  it("run_at in the future holds the job; presque's ?delayed= in the past makes it ready at once", async () => {
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const held = json(
      await curl("-X", "POST", `${presque.url}/q/timed?run_at=${later}`, "-d", '"later"'),
    ) as {
      id: string;
    };
    expect(json(await curl(`${presque.url}/q/timed/${held.id}`))).toMatchObject({
      state: "delayed",
      due_at: later,
    });
    await curl(
      "-X",
      "POST",
      `${presque.url}/q/timed?delayed=${Math.floor(Date.now() / 1000) - 60}`,
      "-d",
      '"now"',
    );
    expect((await curl(`${presque.url}/q/timed`)).body).toBe('"now"');
    expect((await curl(`${presque.url}/q/timed`)).status).toBe(204);
  });

  it("accepts delays as seconds or durations", async () => {
    const created = json(await curl("-X", "POST", `${presque.url}/q/durations?delay=1h30m`, "-d", "1")) as {
      id: string;
    };
    const job = json(await curl(`${presque.url}/q/durations/${created.id}`)) as {
      enqueued_at: string;
      due_at: string;
    };
    expect(Date.parse(job.due_at) - Date.parse(job.enqueued_at)).toBe(90 * 60 * 1000);
  });

  it("a job not started before its expires_at goes to dead letters instead of a consumer", async () => {
    const expiresAt = new Date(Date.now() + 300).toISOString();
    const created = json(
      await curl("-X", "POST", `${presque.url}/q/expiring?expires_at=${expiresAt}`, "-d", '"stale"'),
    ) as {
      id: string;
    };
    await curl("-X", "POST", `${presque.url}/q/expiring`, "-d", '"fresh"');
    await redisClockPast(Date.parse(expiresAt));
    expect((await curl(`${presque.url}/q/expiring`)).body).toBe('"fresh"');
    expect(json(await curl(`${presque.url}/q/expiring/${created.id}`))).toMatchObject({
      state: "dead",
      dead_reason: "not started before its deadline",
    });
  });

  it("refuses an expires_at that is already past", async () => {
    const past = new Date(Date.now() - 1000).toISOString();
    const refused = await curl("-X", "POST", `${presque.url}/q/too-late?expires_at=${past}`, "-d", "1");
    expect(refused.status).toBe(400);
    expect(json(refused)).toEqual({ code: "invalid_argument", message: "expires_at is already past" });
  });
});

describe("limits and retention", () => {
  it("a queue at its max_length refuses more with 429 and stores nothing", async () => {
    await curl("-X", "POST", `${presque.url}/control/bounded/settings`, "-d", '{"max_length":2}');
    await curl("-X", "POST", `${presque.url}/qb/bounded`, "-d", '{"jobs":[1,2]}');
    const refused = await curl("-X", "POST", `${presque.url}/q/bounded`, "-d", "3");
    expect(refused.status).toBe(429);
    expect(json(refused)).toEqual({
      code: "resource_exhausted",
      message: "queue bounded is full (2 waiting jobs); retry later",
    });
    expect((await curl("-X", "POST", `${presque.url}/qb/bounded`, "-d", '{"jobs":[3]}')).status).toBe(429);
    expect(json(await curl(`${presque.url}/j/bounded`))).toMatchObject({ ready: 2 });
  });

  it("acked jobs are deleted unless the queue keeps finished jobs", async () => {
    await curl("-X", "POST", `${presque.url}/control/kept/settings`, "-d", '{"keep_completed_count":1}');
    for (const n of [1, 2]) {
      await curl("-X", "POST", `${presque.url}/q/kept`, "-d", String(n));
      const leased = await curl(`${presque.url}/q/kept?lease=60`);
      await curl(
        "-X",
        "DELETE",
        `${presque.url}/q/kept/${leased.headers["x-presque-job-id"]}?token=${leased.headers["x-presque-lease-token"]}`,
      );
    }
    expect(json(await curl(`${presque.url}/j/kept`))).toMatchObject({ done: 1, processed: 2 });
    expect(json(await curl(`${presque.url}/q/kept/2`))).toMatchObject({ state: "done" });
    expect((await curl(`${presque.url}/q/kept/1`)).status).toBe(404);
  });

  it("finished jobs kept before retention was turned off are deleted with the next ack", async () => {
    const ack = async (queue: string, n: number) => {
      await curl("-X", "POST", `${presque.url}/q/${queue}`, "-d", String(n));
      const leased = await curl(`${presque.url}/q/${queue}?lease=60`);
      const [id, token] = [leased.headers["x-presque-job-id"], leased.headers["x-presque-lease-token"]];
      await curl("-X", "DELETE", `${presque.url}/q/${queue}/${id}?token=${token}`);
      return id as string;
    };
    await curl("-X", "POST", `${presque.url}/control/unkept/settings`, "-d", '{"keep_completed_count":5}');
    const kept = await ack("unkept", 1);
    expect(json(await curl(`${presque.url}/j/unkept`))).toMatchObject({ done: 1 });
    await curl("-X", "POST", `${presque.url}/control/unkept/settings`, "-d", '{"keep_completed_count":0}');
    await ack("unkept", 2);
    expect(json(await curl(`${presque.url}/j/unkept`))).toMatchObject({ done: 0, processed: 2 });
    expect((await curl(`${presque.url}/q/unkept/${kept}`)).status).toBe(404);
  });

  it("dead letters are capped by the queue's keep_dead_count", async () => {
    await curl(
      "-X",
      "POST",
      `${presque.url}/control/capped/settings`,
      "-d",
      '{"keep_dead_count":2,"max_attempts":1}',
    );
    for (const n of [1, 2, 3]) {
      await curl("-X", "POST", `${presque.url}/q/capped`, "-d", String(n));
      const leased = await curl(`${presque.url}/q/capped?lease=60`);
      await curl(
        "-X",
        "POST",
        `${presque.url}/q/capped/${leased.headers["x-presque-job-id"]}/nack?token=${leased.headers["x-presque-lease-token"]}`,
      );
    }
    const dead = json(await curl(`${presque.url}/dead/capped`)) as { jobs: { id: string }[] };
    expect(dead.jobs.map((job) => job.id)).toEqual(["2", "3"]);
    expect(json(await curl(`${presque.url}/j/capped`))).toMatchObject({ dead: 2, dead_total: 3 });
  });

  it("settings are read with defaults filled in, changed in part, reset with null, and checked", async () => {
    const defaults = json(await curl(`${presque.url}/control/cfg/settings`)) as {
      settings: Record<string, unknown>;
    };
    expect(defaults.settings).toMatchObject({
      max_length: 0,
      max_attempts: 10,
      backoff: "exponential",
      default_lease_seconds: 30,
    });
    const changed = json(
      await curl(
        "-X",
        "POST",
        `${presque.url}/control/cfg/settings`,
        "-d",
        '{"max_attempts":3,"default_lease_seconds":5}',
      ),
    );
    expect(changed).toMatchObject({
      settings: { max_attempts: 3, default_lease_seconds: 5, backoff: "exponential" },
    });
    const reset = json(
      await curl("-X", "POST", `${presque.url}/control/cfg/settings`, "-d", '{"max_attempts":null}'),
    );
    expect(reset).toMatchObject({ settings: { max_attempts: 10, default_lease_seconds: 5 } });
    for (const body of ['{"max_attempts":0}', '{"backoff":"random"}', '{"colour":"blue"}', "[1]"]) {
      const refused = await curl("-X", "POST", `${presque.url}/control/cfg/settings`, "-d", body);
      expect(refused.status).toBe(400);
    }
  });
});

describe("trace context", () => {
  it("a W3C traceparent given at enqueue comes back with the job; a malformed one is dropped", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await curl("-X", "POST", `${presque.url}/q/traced`, "-H", `traceparent: ${traceparent}`, "-d", "1");
    await curl("-X", "POST", `${presque.url}/q/traced`, "-H", "traceparent: not-a-trace", "-d", "2");
    expect((await curl(`${presque.url}/q/traced`)).headers.traceparent).toBe(traceparent);
    expect((await curl(`${presque.url}/q/traced`)).headers.traceparent).toBeUndefined();
  });
});
