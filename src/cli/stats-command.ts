import { parseArgs } from "node:util";
import { createRestClient, queuePath } from "./rest-client.ts";

const usage = `Usage: presque stats [queue] [--json] [--url URL]

Counts per queue: ready, delayed, in flight, dead, processed, failed.
`;

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
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      url: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return void process.stdout.write(usage);
  const rest = createRestClient(values.url);
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
  process.stdout.write(table([[...columns], ...rows]));
}

/** Left-aligned first column, right-aligned numbers. */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === 0 || i === row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}
