import { text } from "node:stream/consumers";
import { usageError } from "./cli-error.ts";
import { durationMs, parsePriority } from "./cli-values.ts";
import { commandArgs } from "./command-args.ts";
import { createRestClient, queuePath } from "./rest-client.ts";
import { serverFlagsHelp } from "./server-flags.ts";
import { subcommand } from "./subcommand.ts";
import { table } from "./table.ts";

const usage = `Usage: presque schedules <action> [options]

Recurring schedules: each enqueues its payload into its queue once per tick.

  presque schedules list [queue]                  every schedule (or a queue's), with its next run
  presque schedules set <queue> <name> [json] (--cron EXPR [--timezone TZ] | --every 10m) [--priority N]
                                                  create or replace one; the payload is json or stdin
  presque schedules delete <queue> <name>         stop one (the jobs it enqueued stay)

Each takes --json (print the server's answer).
${serverFlagsHelp}`;

interface ScheduleJson {
  name: string;
  queue: string;
  cron?: string;
  timezone?: string;
  every?: number;
  priority: number;
  next_run_at: string | null;
}

const json = { type: "boolean" } as const;

export async function runSchedules(argv: string[]): Promise<void> {
  const picked = subcommand(argv, usage, ["list", "set", "delete"] as const);
  if (!picked) return;
  if (picked.action === "list") {
    const args = commandArgs(picked.rest, usage, { json }, { optional: ["queue"] });
    if (!args) return;
    const queue = args.positionals[0];
    const path = queue === undefined ? "/schedules" : `/schedules/${queuePath(queue)}`;
    const answer = await createRestClient(args.values).request("GET", path);
    if (args.values.json) return void process.stdout.write(`${answer.text}\n`);
    const { schedules } = JSON.parse(answer.text) as { schedules: ScheduleJson[] };
    const rows = schedules.map((s) => [
      s.queue,
      s.name,
      s.cron === undefined ? `every ${s.every}s` : `cron ${s.cron} (${s.timezone})`,
      String(s.priority),
      s.next_run_at ?? "",
    ]);
    const head = ["queue", "name", "timing", "priority", "next_run_at"];
    return void process.stdout.write(table([head, ...rows], (i) => i === 3));
  }
  const names = { required: ["queue", "name"] };
  if (picked.action === "delete") {
    const args = commandArgs(picked.rest, usage, { json }, names);
    if (!args) return;
    const [queue, name] = args.positionals as [string, string];
    const path = `/schedules/${queuePath(queue)}/${encodeURIComponent(name)}`;
    const answer = await createRestClient(args.values).request("DELETE", path);
    if (args.values.json) return void process.stdout.write(`${answer.text}\n`);
    return void process.stdout.write(`deleted schedule ${name} of ${queue}\n`);
  }
  const args = commandArgs(
    picked.rest,
    usage,
    {
      cron: { type: "string" },
      timezone: { type: "string" },
      every: { type: "string" },
      priority: { type: "string" },
      json,
    },
    { ...names, optional: ["json"] },
  );
  if (!args) return;
  const { values, positionals } = args;
  if ((values.cron === undefined) === (values.every === undefined)) {
    throw usageError(`set takes one of --cron and --every\n\n${usage}`);
  }
  const [queue, name, given] = positionals as [string, string, string | undefined];
  const payload = given ?? (await text(process.stdin));
  // The payload is spliced in as given, byte for byte, as push sends it; the server checks it is JSON.
  const head = JSON.stringify({
    cron: values.cron,
    timezone: values.timezone,
    every: values.every === undefined ? undefined : durationMs(values.every, "--every") / 1000,
    priority: values.priority === undefined ? undefined : parsePriority(values.priority),
  });
  const body = `${head.slice(0, -1)}${head === "{}" ? "" : ","}"payload":${payload}}`;
  const path = `/schedules/${queuePath(queue)}/${encodeURIComponent(name)}`;
  const answer = await createRestClient(values).request("PUT", path, body);
  if (values.json) return void process.stdout.write(`${answer.text}\n`);
  const schedule = JSON.parse(answer.text) as ScheduleJson;
  process.stdout.write(`schedule ${name} of ${queue}: next run at ${schedule.next_run_at}\n`);
}
