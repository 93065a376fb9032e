import { text } from "node:stream/consumers";
import { parseArgs } from "node:util";
import { usageError } from "./cli-error.ts";
import { parseDuration, required } from "./cli-values.ts";
import { createRestClient, queuePath } from "./rest-client.ts";

const usage = `Usage: presque push <queue> [json] [--priority N] [--delay 10s] [--url URL]

Adds one job; its payload is the JSON argument, or stdin when there is none. Prints the job id.
`;

export async function runPush(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      priority: { type: "string" },
      delay: { type: "string" },
      url: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return void process.stdout.write(usage);
  const queue = required(positionals, 0, "queue", usage);
  if (positionals.length > 2) throw usageError(`push takes one JSON payload; quote it\n\n${usage}`);
  const payload = positionals[1] ?? (await text(process.stdin));
  const query = new URLSearchParams();
  if (values.priority !== undefined) query.set("priority", values.priority);
  if (values.delay !== undefined) query.set("delay", String(parseDuration(values.delay, "--delay") / 1000));
  const rest = createRestClient(values.url);
  const suffix = query.size > 0 ? `?${query}` : "";
  const answer = await rest.request("POST", `/q/${queuePath(queue)}${suffix}`, payload);
  process.stdout.write(`${(JSON.parse(answer.text) as { id: string }).id}\n`);
}
