import { commandArgs } from "./command-args.ts";
import { createRestClient, queuePath } from "./rest-client.ts";
import { serverFlagsHelp } from "./server-flags.ts";
import { table } from "./table.ts";

const usage = `Usage: presque stats [queue] [--json] [--url URL] [--api-key KEY] [--ca FILE]

Counts per queue: ready, delayed, in flight, dead, processed, failed.
${serverFlagsHelp}`;

interface QueueInfoJson {
  queue: string;
  ready: number;
  delayed: number;
  in_flight: number;
  dead: number;
  processed: number;
  failed: number;
  stopped: boolean;
}

const columns = ["queue", "ready", "delayed", "in_flight", "dead", "processed", "failed", "state"] as const;

export async function runStats(argv: string[]): Promise<void> {
  const args = commandArgs(argv, usage, { json: { type: "boolean" } }, { optional: ["queue"] });
  if (!args) return;
  const { values, positionals } = args;
  const rest = createRestClient(values);
  const queue = positionals[0];
  const answer = await rest.request("GET", queue === undefined ? "/stats" : `/j/${queuePath(queue)}`);
  if (values.json) return void process.stdout.write(`${answer.text}\n`);
  const body = JSON.parse(answer.text) as QueueInfoJson | { queues: QueueInfoJson[] };
  const infos = "queues" in body ? body.queues : [body];
  const rows = infos.map((info) =>
    columns.map((column) =>
      column === "state" ? (info.stopped ? "stopped" : "started") : String(info[column]),
    ),
  );
  process.stdout.write(table([[...columns], ...rows], (i) => i > 0 && i < columns.length - 1));
}
