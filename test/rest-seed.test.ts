import { describe, expect, it } from "vitest";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";

const presque = useTestServer();

describe("the seed's curl session", () => {
  it("stores a POSTed job and hands it back byte for byte, once", async () => {
    const body = '{"foo":"bar", "foo2":"bar" }';
    const created = await curl("-X", "POST", `${presque.url}/q/foo`, "-d", body);
    expect(created.status).toBe(201);
    const { id } = json(created) as { id: string };
    expect(created.headers.location).toBe(`/q/foo/${id}`);

    const fetched = await curl(`${presque.url}/q/foo`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toBe(body);
    expect(fetched.headers["content-type"]).toBe("application/json");
    expect(fetched.headers["x-presque-job-id"]).toBe(id);
    expect(fetched.headers["x-presque-attempt"]).toBe("1");

    // "When a job is fetched, it's removed from the queue."
    expect((await curl(`${presque.url}/q/foo`)).status).toBe(204);
    expect((await curl(`${presque.url}/q/foo/${id}`)).status).toBe(404);
  });

  it("takes any body that parses as JSON, whatever its content type, and keeps big numbers exact", async () => {
    for (const [type, body] of [
      ["text/plain", "12345678901234567890"],
      ["application/x-www-form-urlencoded", '["a", {"b": 1.10}]'],
      ["application/json", '"just a string"'],
    ] as const) {
      expect(
        (await curl("-X", "POST", `${presque.url}/q/anytype`, "-H", `content-type: ${type}`, "-d", body))
          .status,
      ).toBe(201);
      expect((await curl(`${presque.url}/q/anytype`)).body).toBe(body);
    }
  });

  it("creates queues on the fly and lists them in /status and /stats", async () => {
    await curl("-X", "POST", `${presque.url}/q/fly-1`, "-d", "{}");
    await curl("-X", "POST", `${presque.url}/q/fly-1`, "-d", "{}");
    expect(json(await curl(`${presque.url}/status/fly-1`))).toEqual({ queue: "fly-1", size: 2 });
    const status = json(await curl(`${presque.url}/status`)) as { queues: string[]; size: number };
    expect(status.queues).toContain("fly-1");
    expect(status.size).toBe(status.queues.length);
    const stats = json(await curl(`${presque.url}/stats`)) as { queues: { queue: string; ready: number }[] };
    expect(stats.queues.find((q) => q.queue === "fly-1")?.ready).toBe(2);
  });

  it("hands jobs out first in, first out", async () => {
    for (const n of [1, 2, 3]) await curl("-X", "POST", `${presque.url}/q/fifo`, "-d", `{"n":${n}}`);
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await curl(`${presque.url}/q/fifo`)).body);
    expect(order).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  it("hands out higher priorities first", async () => {
    await curl("-X", "POST", `${presque.url}/q/prio`, "-d", '"low"');
    await curl("-X", "POST", `${presque.url}/q/prio?priority=5`, "-d", '"high"');
    await curl("-X", "POST", `${presque.url}/q/prio?priority=-1`, "-d", '"lowest"');
    await curl("-X", "POST", `${presque.url}/q/prio?priority=5`, "-d", '"high, later"');
    const order = [];
    for (let i = 0; i < 4; i++) order.push((await curl(`${presque.url}/q/prio`)).body);
    expect(order).toEqual(['"high"', '"high, later"', '"low"', '"lowest"']);
  });
});

describe("/j/ queue info", () => {
  it("counts ready, in flight, processed and failed jobs, with presque's field names too", async () => {
    await curl("-X", "POST", `${presque.url}/q/info`, "-d", "1");
    await curl("-X", "POST", `${presque.url}/q/info`, "-d", "2");
    await curl("-X", "POST", `${presque.url}/q/info`, "-d", "3");
    await curl(`${presque.url}/q/info`); // removed: processed
    await curl(`${presque.url}/q/info?lease=60`); // leased: in flight
    await curl("-X", "PUT", `${presque.url}/q/info`, "-d", "2"); // presque's "failed, queue it again"
    const info = json(await curl(`${presque.url}/j/info`)) as Record<string, unknown>;
    expect(Date.parse(info.oldest_ready_at as string)).toBeGreaterThan(0);
    expect(info).toEqual({
      queue: "info",
      ready: 2,
      delayed: 0,
      in_flight: 1,
      dead: 0,
      done: 0,
      stopped: false,
      enqueued: 4,
      processed: 1,
      failed: 1,
      expired_leases: 0,
      dead_total: 0,
      oldest_ready_at: info.oldest_ready_at,
      queue_name: "info",
      job_count: 2,
      job_processed: 1,
      job_failed: 1,
    });
  });
});

describe("/control/", () => {
  it("a stopped queue accepts jobs but hands none out until started", async () => {
    expect(json(await curl(`${presque.url}/control/ctl`))).toMatchObject({ queue: "ctl", status: 1 });
    const stopped = await curl("-X", "POST", `${presque.url}/control/ctl`, "-d", '{"status":"stop"}');
    expect(json(stopped)).toEqual({ queue: "ctl", status: 0, stopped: true, response: "updated" });

    expect((await curl("-X", "POST", `${presque.url}/q/ctl`, "-d", '"kept"')).status).toBe(201);
    const refused = await curl(`${presque.url}/q/ctl`);
    expect(refused.status).toBe(409);
    expect(json(refused)).toEqual({ code: "failed_precondition", message: "queue ctl is stopped" });
    expect((await curl(`${presque.url}/qb/ctl`)).status).toBe(409);

    await curl("-X", "POST", `${presque.url}/control/ctl`, "-d", '{"status":"start"}');
    expect((await curl(`${presque.url}/q/ctl`)).body).toBe('"kept"');
  });

  it("refuses a status other than stop or start", async () => {
    const answer = await curl("-X", "POST", `${presque.url}/control/ctl2`, "-d", '{"status":"pause"}');
    expect(answer.status).toBe(400);
    expect(json(answer)).toEqual({
      code: "invalid_argument",
      message: 'body must be {"status": "stop"} or {"status": "start"}',
    });
    expect(json(await curl(`${presque.url}/control/ctl2`))).toMatchObject({ stopped: false });
  });
});

describe("DELETE /q/:queue", () => {
  it("purges ready, leased and delayed jobs", async () => {
    await curl("-X", "POST", `${presque.url}/qb/purge`, "-d", '{"jobs":[1,2,3]}');
    await curl("-X", "POST", `${presque.url}/q/purge?delay=3600`, "-d", "4");
    await curl(`${presque.url}/q/purge?lease=60`);
    const purged = await curl("-X", "DELETE", `${presque.url}/q/purge`);
    expect(json(purged)).toEqual({ queue: "purge", purged: 4 });
    expect(json(await curl(`${presque.url}/j/purge`))).toMatchObject({ ready: 0, delayed: 0, in_flight: 0 });
  });
});

describe("DELETE /control/:queue", () => {
  it("deletes a queue and everything of it, and forgets its name; ids are not reused", async () => {
    const url = presque.url;
    await curl("-X", "POST", `${url}/control/doomed/settings`, "-d", '{"max_attempts":1}');
    await curl("-X", "POST", `${url}/qb/doomed`, "-d", '{"jobs":[1,2,3]}');
    await curl("-X", "POST", `${url}/q/doomed?delay=1h`, "-d", "4");
    const leased = await curl(`${url}/q/doomed?lease=60`);
    const [id, token] = [leased.headers["x-presque-job-id"], leased.headers["x-presque-lease-token"]];
    await curl("-X", "POST", `${url}/q/doomed/${id}/nack?token=${token}`, "-d", '{"error":"x"}'); // dead
    await curl("-X", "PUT", `${url}/schedules/doomed/hourly`, "-d", '{"cron":"0 * * * *","payload":1}');

    expect(json(await curl("-X", "DELETE", `${url}/control/doomed`))).toEqual({
      queue: "doomed",
      deleted: true,
    });
    expect((json(await curl(`${url}/status`)) as { queues: string[] }).queues).not.toContain("doomed");
    expect(json(await curl(`${url}/j/doomed`))).toMatchObject({ ready: 0, delayed: 0, dead: 0, enqueued: 0 });
    expect((json(await curl(`${url}/schedules/doomed`)) as { schedules: unknown[] }).schedules).toEqual([]);
    expect(json(await curl(`${url}/control/doomed/settings`))).toMatchObject({
      settings: { max_attempts: 10 },
    });

    const again = json(await curl("-X", "POST", `${url}/q/doomed`, "-d", "5")) as { id: string };
    expect(Number(again.id)).toBe(5);
    expect((json(await curl(`${url}/status`)) as { queues: string[] }).queues).toContain("doomed");
  });
});
