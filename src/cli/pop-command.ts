import { parseArgs } from "node:util";
import { CliError } from "./cli-error.ts";
import { parseDuration, required } from "./cli-values.ts";
import { createRestClient, queuePath } from "./rest-client.ts";

const usage = `Usage: presque pop <queue> [--wait 30s] [--url URL]

Takes one job off the queue for good (no lease: at most once) and prints its payload.
Exits 1 when the queue stays empty.
`;

export async function runPop(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      wait: { type: "string" },
      url: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return void process.stdout.write(usage);
  const queue = required(positionals, 0, "queue", usage);
  const wait = values.wait === undefined ? "" : `?wait=${parseDuration(values.wait, "--wait") / 1000}`;
  const answer = await createRestClient(values.url).request("GET", `/q/${queuePath(queue)}${wait}`);
  if (answer.status === 204) throw new CliError(`queue ${queue} is empty`);
  process.stdout.write(`${answer.text}\n`);
}
