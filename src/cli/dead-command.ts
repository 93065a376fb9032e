import { usageError } from "./cli-error.ts";
import { parseCount } from "./cli-values.ts";
import { commandArgs } from "./command-args.ts";
import { createRestClient, queuePath } from "./rest-client.ts";
import { serverFlagsHelp } from "./server-flags.ts";
import { subcommand } from "./subcommand.ts";
import { table } from "./table.ts";

const usage = `Usage: presque dead <action> <queue> [options]

Dead letters: jobs that failed every attempt, expired, or were nacked as not retryable.

  presque dead list <queue> [--limit N] [--cursor C]   a page, oldest first (the next cursor on stderr)
  presque dead redrive <queue> [--id ID...] [--error-contains TEXT] [--to QUEUE]
                                                       back to ready with attempt 0 (all without a filter)
  presque dead delete <queue> (--id ID... | --all)     delete some, or every one with --all

Each takes --json (print the server's answer).
${serverFlagsHelp}`;

interface DeadJobJson {
  id: string;
  attempt: number;
  died_at?: string;
  dead_reason?: string;
  last_error?: string;
}

const json = { type: "boolean" } as const;
const ids = { type: "string", multiple: true } as const;

export async function runDead(argv: string[]): Promise<void> {
  const picked = subcommand(argv, usage, ["list", "redrive", "delete"] as const);
  if (!picked) return;
  const queueArg = { required: ["queue"] };
  if (picked.action === "list") {
    const args = commandArgs(
      picked.rest,
      usage,
      { limit: { type: "string" }, cursor: { type: "string" }, json },
      queueArg,
    );
    if (!args) return;
    const { values, positionals } = args;
    const query = new URLSearchParams();
    if (values.limit !== undefined) query.set("limit", String(parseCount(values.limit, "--limit")));
    if (values.cursor !== undefined) query.set("cursor", values.cursor);
    const path = `/dead/${queuePath(positionals[0] as string)}${query.size > 0 ? `?${query}` : ""}`;
    const answer = await createRestClient(values).request("GET", path);
    if (values.json) return void process.stdout.write(`${answer.text}\n`);
    const page = JSON.parse(answer.text) as { jobs: DeadJobJson[]; next_cursor?: string };
    const rows = page.jobs.map((job) => [
      job.id,
      String(job.attempt),
      job.died_at ?? "",
      job.dead_reason ?? "",
      oneLine(job.last_error ?? ""),
    ]);
    process.stdout.write(
      table([["id", "attempt", "died_at", "reason", "last_error"], ...rows], (i) => i < 2),
    );
    if (page.next_cursor !== undefined) process.stderr.write(`more: --cursor ${page.next_cursor}\n`);
    return;
  }
  if (picked.action === "redrive") {
    const args = commandArgs(
      picked.rest,
      usage,
      { id: ids, "error-contains": { type: "string" }, to: { type: "string" }, json },
      queueArg,
    );
    if (!args) return;
    const { values, positionals } = args;
    const queue = positionals[0] as string;
    const body = JSON.stringify({ ids: values.id, error_contains: values["error-contains"], to: values.to });
    const answer = await createRestClient(values).request("POST", `/dead/${queuePath(queue)}/redrive`, body);
    if (values.json) return void process.stdout.write(`${answer.text}\n`);
    const { redriven } = JSON.parse(answer.text) as { redriven: number };
    return void process.stdout.write(
      `redrove ${redriven} dead letters of ${queue} into ${values.to ?? queue}\n`,
    );
  }
  const args = commandArgs(picked.rest, usage, { id: ids, all: { type: "boolean" }, json }, queueArg);
  if (!args) return;
  const { values, positionals } = args;
  // No body deletes every dead letter: make that a choice, not what a forgotten --id does.
  if ((values.id === undefined) === (values.all !== true)) {
    throw usageError(`delete takes --id ID (repeatable) or --all\n\n${usage}`);
  }
  const queue = positionals[0] as string;
  const body = values.id === undefined ? undefined : JSON.stringify({ ids: values.id });
  const answer = await createRestClient(values).request("DELETE", `/dead/${queuePath(queue)}`, body);
  if (values.json) return void process.stdout.write(`${answer.text}\n`);
  const { deleted } = JSON.parse(answer.text) as { deleted: number };
  process.stdout.write(`deleted ${deleted} dead letters of ${queue}\n`);
}

/** An error message may hold line breaks (a stack trace); a table row must not. */
const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, " ").slice(0, 100);
