import { describe, expect, it } from "vitest";
import { cliAgainst } from "./support/cli-runner.ts";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";

const presque = useTestServer();
const { cli, failing } = cliAgainst(presque);
const info = async (queue: string) =>
  json(await curl(`${presque.url}/j/${queue}`)) as Record<string, unknown>;

/** Pushes a job and fails it for good (a nack that is not retryable), so it is a dead letter. */
async function deadLetter(queue: string, error: string): Promise<string> {
  const id = (await cli("push", queue, "{}")).stdout.trim();
  const leased = await curl(`${presque.url}/q/${queue}?lease=30`);
  const token = leased.headers["x-presque-lease-token"] as string;
  const body = JSON.stringify({ error, retryable: false });
  expect(
    (await curl("-X", "POST", `${presque.url}/q/${queue}/${id}/nack?token=${token}`, "-d", body)).status,
  ).toBe(200);
  return id;
}

describe("presque dead", () => {
  it("lists dead letters as a table or JSON, redrives some and deletes the rest", async () => {
    const smtp = await deadLetter("cli-dead", "smtp timeout");
    const dns = await deadLetter("cli-dead", "dns\nfailure");
    const table = (await cli("dead", "list", "cli-dead")).stdout.split("\n");
    expect(table[0]).toMatch(/^\s*id\s+attempt\s+died_at\s+reason\s+last_error$/);
    expect(table.slice(1, 3).map((line) => line.trim().split(/\s+/)[0])).toEqual([smtp, dns]);
    expect(table[2]).toMatch(/dns failure$/);
    const listed = JSON.parse((await cli("dead", "list", "cli-dead", "--json", "--limit", "1")).stdout);
    expect(listed).toMatchObject({ jobs: [{ id: smtp }], next_cursor: expect.any(String) });

    expect((await cli("dead", "redrive", "cli-dead", "--error-contains", "smtp")).stdout).toBe(
      "redrove 1 dead letters of cli-dead into cli-dead\n",
    );
    expect(await info("cli-dead")).toMatchObject({ ready: 1, dead: 1 });
    expect(await failing("dead", "delete", "cli-dead")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("delete takes --id ID (repeatable) or --all"),
    });
    expect(JSON.parse((await cli("dead", "delete", "cli-dead", "--id", dns, "--json")).stdout)).toEqual({
      queue: "cli-dead",
      deleted: 1,
    });
    expect(await info("cli-dead")).toMatchObject({ ready: 1, dead: 0 });
  });
});

describe("presque schedules", () => {
  it("sets, lists and deletes schedules", async () => {
    const set = await cli("schedules", "set", "cli-sched", "hourly", '{"n": 1}', "--every", "1h");
    expect(set.stdout).toMatch(/^schedule hourly of cli-sched: next run at \d{4}-/);
    await cli(
      "schedules",
      "set",
      "cli-sched",
      "daily",
      "{}",
      "--cron",
      "0 9 * * *",
      "--timezone",
      "Europe/Paris",
    );
    const table = (await cli("schedules", "list", "cli-sched")).stdout.split("\n");
    expect(table[0]).toMatch(/^queue\s+name\s+timing\s+priority\s+next_run_at$/);
    expect(table.slice(1, 3).sort()).toEqual([
      expect.stringMatching(/^cli-sched\s+daily\s+cron 0 9 \* \* \* \(Europe\/Paris\)\s+0\s+\d{4}-/),
      expect.stringMatching(/^cli-sched\s+hourly\s+every 3600s\s+0\s+\d{4}-/),
    ]);
    const listed = JSON.parse((await cli("schedules", "list", "--json")).stdout);
    expect(listed.schedules).toContainEqual(
      expect.objectContaining({ name: "hourly", every: 3600, payload: { n: 1 } }),
    );
    await cli("schedules", "delete", "cli-sched", "hourly");
    const left = JSON.parse((await cli("schedules", "list", "cli-sched", "--json")).stdout);
    expect(left.schedules.map((s: { name: string }) => s.name)).toEqual(["daily"]);
    expect(await failing("schedules", "set", "cli-sched", "x", "{}")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("set takes one of --cron and --every"),
    });
  });
});

describe("presque stop, start and purge", () => {
  it("stops a queue (it hands nothing out), starts it again, and purges its jobs", async () => {
    await cli("push", "cli-ctl", "1");
    await cli("push", "cli-ctl", "2");
    expect((await cli("stop", "cli-ctl")).stdout).toBe("cli-ctl stopped\n");
    expect(await info("cli-ctl")).toMatchObject({ stopped: true, ready: 2 });
    expect(await failing("pop", "cli-ctl")).toMatchObject({ code: 1 });
    expect(JSON.parse((await cli("start", "cli-ctl", "--json")).stdout)).toMatchObject({
      status: 1,
      stopped: false,
    });
    expect((await cli("purge", "cli-ctl")).stdout).toBe("purged 2 jobs from cli-ctl\n");
    expect(await info("cli-ctl")).toMatchObject({ stopped: false, ready: 0 });
  });
});

describe("presque push flags", () => {
  it("passes --run-at, --uniq, --max-attempts, --idempotency-key and --priority", async () => {
    const runAt = "2031-01-02T03:04:05.000Z";
    const id = (
      await cli("push", "cli-flags", "{}", "--run-at", runAt, "--max-attempts", "3", "--priority", "-7")
    ).stdout.trim();
    const job = json(await curl(`${presque.url}/q/cli-flags/${id}`));
    expect(job).toMatchObject({ state: "delayed", due_at: runAt, max_attempts: 3, priority: -7 });

    const unique = (await cli("push", "cli-flags", "{}", "--uniq", "invoice-7")).stdout.trim();
    expect(json(await curl(`${presque.url}/q/cli-flags/${unique}`))).toMatchObject({
      unique_key: "invoice-7",
    });
    expect(await failing("push", "cli-flags", "{}", "--uniq", "invoice-7")).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^presque: POST \/q\/cli-flags\?uniq=invoice-7: 409 /),
    });

    const first = (await cli("push", "cli-flags", "{}", "--idempotency-key", "order-42")).stdout;
    expect((await cli("push", "cli-flags", "{}", "--idempotency-key", "order-42")).stdout).toBe(first);
  });

  it("checks --priority and --max-attempts itself, sending nothing when they are wrong", async () => {
    for (const [flag, value, words] of [
      ["--priority", "1001", "--priority must be an integer from -1000 to 1000"],
      ["--priority", "high", "--priority must be an integer from -1000 to 1000"],
      ["--max-attempts", "0", "--max-attempts must be a whole number of at least 1"],
    ] as const) {
      expect(await failing("push", "cli-flags-bad", "{}", flag, value)).toMatchObject({
        code: 2,
        stderr: expect.stringContaining(words),
      });
    }
    expect(await info("cli-flags-bad")).toMatchObject({ ready: 0, delayed: 0 });
  });
});
