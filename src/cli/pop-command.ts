import { CliError } from "./cli-error.ts";
import { durationMs } from "./cli-values.ts";
import { commandArgs } from "./command-args.ts";
import { createRestClient, queuePath } from "./rest-client.ts";
import { serverFlagsHelp } from "./server-flags.ts";

const usage = `Usage: presque pop <queue> [--wait 30s] [--json] [--url URL] [--api-key KEY] [--ca FILE]

Takes one job off the queue for good (no lease: at most once) and prints its payload, or with
--json the job: {"id", "queue", "attempt", "max_attempts", "enqueued_at", "payload"}.
Exits 1 when the queue stays empty.
${serverFlagsHelp}`;

export async function runPop(argv: string[]): Promise<void> {
  const args = commandArgs(
    argv,
    usage,
    { wait: { type: "string" }, json: { type: "boolean" } },
    { required: ["queue"] },
  );
  if (!args) return;
  const { values, positionals } = args;
  const queue = positionals[0] as string;
  const wait = values.wait === undefined ? "" : `?wait=${durationMs(values.wait, "--wait") / 1000}`;
  const answer = await createRestClient(values).request("GET", `/q/${queuePath(queue)}${wait}`);
  if (answer.status === 204) throw new CliError(`queue ${queue} is empty`);
  if (!values.json) return void process.stdout.write(`${answer.text}\n`);
  const header = (name: string) => answer.headers.get(`x-presque-${name}`) ?? undefined;
  const envelope = JSON.stringify({
    id: header("job-id"),
    queue: header("queue") ?? queue,
    attempt: Number(header("attempt")),
    max_attempts: Number(header("max-attempts")),
    enqueued_at: header("enqueued-at"),
  });
  // The payload is spliced in as stored, as REST does, so big numbers keep their digits.
  process.stdout.write(`${envelope.slice(0, -1)},"payload":${answer.text}}\n`);
}
