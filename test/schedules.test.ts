import { randomBytes } from "node:crypto";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScheduleService } from "../gen/presque/v1/schedule_service_pb.ts";
import { curl, json } from "./support/curl.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

/** Two presque processes on one Redis and one prefix, each running its own scheduler. */
let servers: TestServer[];
beforeAll(async () => {
  const prefix = `t${randomBytes(4).toString("hex")}`;
  servers = [await startTestServer({ prefix }), await startTestServer({ prefix })];
});
afterAll(() => Promise.all(servers.map((server) => server.stop())));
const url = (i = 0) => (servers[i] as TestServer).baseUrl;

interface ScheduleJson {
  name: string;
  queue: string;
  cron?: string;
  every?: number;
  timezone?: string;
  next_run_at: string;
  payload: unknown;
}

describe("recurring schedules", () => {
  it("a schedule run by two presque processes enqueues once per tick", async () => {
    const put = await curl(
      "-X",
      "PUT",
      `${url()}/schedules/ticks/every-second`,
      "-d",
      '{"every":1,"payload":{"tick":true}}',
    );
    expect(put.status).toBe(200);
    expect(json(put)).toMatchObject({
      name: "every-second",
      queue: "ticks",
      every: 1,
      payload: { tick: true },
    });

    const enqueuedAt: number[] = [];
    for (let i = 0; i < 3; i++) {
      // long polls on either process: woken by whichever process fired the tick
      const job = await curl(`${url(i % 2)}/q/ticks?wait=10&lease=60`);
      expect(job.status).toBe(200);
      enqueuedAt.push(Date.parse(job.headers["x-presque-enqueued-at"] as string));
    }
    expect((await curl("-X", "DELETE", `${url(1)}/schedules/ticks/every-second`)).status).toBe(200);

    // Each tick fired once: two enqueues for one tick would be milliseconds apart, not a second.
    const gaps = enqueuedAt.slice(1).map((at, i) => at - (enqueuedAt[i] as number));
    for (const gap of gaps) expect(gap).toBeGreaterThan(500);
    const info = json(await curl(`${url()}/j/ticks`)) as { enqueued: number; ready: number };
    expect(info.enqueued).toBe(3 + info.ready);
    expect(info.ready).toBeLessThanOrEqual(1);
  });

  it("takes a cron expression with a time zone and reports the next run", async () => {
    const put = await curl(
      "-X",
      "PUT",
      `${url()}/schedules/reports/morning`,
      "-d",
      '{"cron":"0 9 * * *","timezone":"Europe/Paris","payload":{"report":"daily"},"priority":5}',
    );
    const schedule = json(put) as ScheduleJson;
    expect(schedule).toMatchObject({
      cron: "0 9 * * *",
      timezone: "Europe/Paris",
      payload: { report: "daily" },
    });
    const next = new Date(schedule.next_run_at);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(
      new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Paris",
        hour: "2-digit",
        minute: "2-digit",
      }).format(next),
    ).toBe("09:00");

    const listed = json(await curl(`${url(1)}/schedules`)) as { schedules: ScheduleJson[] };
    expect(listed.schedules.map((s) => `${s.queue}/${s.name}`)).toContain("reports/morning");
    expect(
      (json(await curl(`${url()}/schedules/reports`)) as { schedules: unknown[] }).schedules,
    ).toHaveLength(1);
  });

  it("refuses a bad cron, a bad time zone, both or neither timing, and says why", async () => {
    for (const [body, message] of [
      [
        '{"cron":"61 * * * *","payload":1}',
        'cron "61 * * * *" is not valid: Constraint error, got value 61 expected range 0-59',
      ],
      [
        '{"cron":"* * * * *","timezone":"Mars/Base","payload":1}',
        'time zone "Mars/Base" is not an IANA time zone',
      ],
      ['{"every":0,"payload":1}', "every must be from 1 second to 366 days"],
    ]) {
      const refused = await curl("-X", "PUT", `${url()}/schedules/bad/s`, "-d", body as string);
      expect(refused.status).toBe(400);
      expect(json(refused)).toEqual({ code: "invalid_argument", message });
    }
    for (const body of ['{"cron":"* * * * *","every":5,"payload":1}', '{"payload":1}', '{"every":5}']) {
      expect((await curl("-X", "PUT", `${url()}/schedules/bad/s`, "-d", body)).status).toBe(400);
    }
    expect((json(await curl(`${url()}/schedules/bad`)) as { schedules: unknown[] }).schedules).toEqual([]);
    expect((await curl("-X", "DELETE", `${url()}/schedules/bad/s`)).status).toBe(404);
  });

  it("works the same over RPC", async () => {
    const client = createClient(
      ScheduleService,
      createConnectTransport({ baseUrl: url(), httpVersion: "1.1" }),
    );
    const { schedule } = await client.putSchedule({
      schedule: {
        name: "hourly",
        queue: "rpc-sched",
        timing: { case: "cron", value: "0 * * * *" },
        payload: { kind: { case: "stringValue", value: "ping" } },
      },
    });
    expect(schedule?.nextRunAt).toBeDefined();
    const { schedules } = await client.listSchedules({ queue: "rpc-sched" });
    expect(schedules.map((s) => [s.name, s.timing.case, s.timing.value])).toEqual([
      ["hourly", "cron", "0 * * * *"],
    ]);
    expect(await client.deleteSchedule({ queue: "rpc-sched", name: "hourly" })).toMatchObject({
      deleted: true,
    });
  });
});
