import { text } from "node:stream/consumers";
import { durationMs, parseCount, parsePriority } from "./cli-values.ts";
import { commandArgs } from "./command-args.ts";
import { createRestClient, queuePath } from "./rest-client.ts";
import { serverFlagsUsage } from "./server-flags.ts";

const usage = `Usage: presque push <queue> [json] [options]

Adds one job; its payload is the JSON argument, or stdin when there is none. Prints the job id.

Options:
  --priority N             -1000 to 1000, higher first (default 0)
  --delay 10s              run it later: seconds, or 250ms, 90s, 5m, 1h30m, 1d
  --run-at TIME            run it at an RFC 3339 time (2026-11-28T10:00:00Z)
  --uniq KEY               refuse it (409) while a job with this unique key is queued
  --max-attempts N         attempts before it goes to dead letters (default: the queue's)
  --idempotency-key KEY    a retried push with this key returns the first job, not a second one
  --json                   print the server's answer ({"id", "queue"}) instead of the id
${serverFlagsUsage}`;

export async function runPush(argv: string[]): Promise<void> {
  const args = commandArgs(
    argv,
    usage,
    {
      priority: { type: "string" },
      delay: { type: "string" },
      "run-at": { type: "string" },
      uniq: { type: "string" },
      "max-attempts": { type: "string" },
      "idempotency-key": { type: "string" },
      json: { type: "boolean" },
    },
    { required: ["queue"], optional: ["json"] },
  );
  if (!args) return;
  const { values, positionals } = args;
  const queue = positionals[0] as string;
  const query = new URLSearchParams();
  if (values.priority !== undefined) query.set("priority", String(parsePriority(values.priority)));
  if (values.delay !== undefined) query.set("delay", String(durationMs(values.delay, "--delay") / 1000));
  // The server checks the time's syntax and that only one of delay and run_at is given.
  if (values["run-at"] !== undefined) query.set("run_at", values["run-at"]);
  if (values.uniq !== undefined) query.set("uniq", values.uniq);
  const maxAttempts = values["max-attempts"];
  if (maxAttempts !== undefined) query.set("max_attempts", String(parseCount(maxAttempts, "--max-attempts")));
  const key = values["idempotency-key"];
  const headers: Record<string, string> = key === undefined ? {} : { "idempotency-key": key };
  const payload = positionals[1] ?? (await text(process.stdin));
  const suffix = query.size > 0 ? `?${query}` : "";
  const rest = createRestClient(values);
  const answer = await rest.request("POST", `/q/${queuePath(queue)}${suffix}`, payload, headers);
  if (values.json) return void process.stdout.write(`${answer.text}\n`);
  process.stdout.write(`${(JSON.parse(answer.text) as { id: string }).id}\n`);
}
