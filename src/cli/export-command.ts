import { once } from "node:events";
import { open } from "node:fs/promises";
import { rawJobsOfBatch } from "../rest/raw-json.ts";
import { createPresqueClient } from "../sdk/client.ts";
import { commandArgs } from "./command-args.ts";
import { fileError } from "./file-error.ts";
import { createProgressBar } from "./progress-bar.ts";
import { createRestClient, queuePath } from "./rest-client.ts";
import { serverFlagsHelp } from "./server-flags.ts";

const usage = `Usage: presque export <queue> [file.ndjson] [--url URL] [--api-key KEY] [--ca FILE]

Moves the queue's ready jobs into an NDJSON file (stdout when no file or "-"), one payload per
line, as stored. Each batch is written (and synced, for a file) before it is acked, so an
interrupted export may write a job twice but never loses one. Delayed and leased jobs stay.
A progress bar shows on a terminal.
${serverFlagsHelp}`;

const batchSize = 500;
/** Long enough to write and sync a batch; an interrupted export's jobs come back after it. */
const leaseSeconds = 60;

export async function runExport(argv: string[]): Promise<void> {
  const args = commandArgs(argv, usage, {}, { required: ["queue"], optional: ["file"] });
  if (!args) return;
  const [queue, named] = args.positionals as [string, string | undefined];
  const path = named === "-" ? undefined : named;
  const rest = createRestClient(args.values);
  const client = createPresqueClient({ baseUrl: rest.baseUrl, apiKey: rest.apiKey, ca: rest.ca });
  const info = JSON.parse((await rest.request("GET", `/j/${queuePath(queue)}`)).text) as { ready: number };
  const progress = createProgressBar(`export ${queue}`, info.ready);
  const file = path
    ? await open(path, "w").catch((error: unknown) => {
        throw fileError("write", path, error);
      })
    : undefined;
  const write = async (text: string) => {
    if (file) await file.write(text);
    else if (!process.stdout.write(text)) await once(process.stdout, "drain");
  };

  let exported = 0;
  try {
    for (;;) {
      const answer = await rest.request(
        "GET",
        `/qb/${queuePath(queue)}?batch_size=${batchSize}&lease=${leaseSeconds}`,
      );
      if (answer.status === 204) break;
      const ids = (answer.headers.get("x-presque-job-ids") ?? "").split(",");
      const tokens = (answer.headers.get("x-presque-lease-tokens") ?? "").split(",");
      // Raw JSON has line breaks only between tokens (strings escape theirs), so a space keeps it valid.
      const lines = rawJobsOfBatch(`{"jobs":${answer.text}}`).map((job) => job.replace(/[\r\n]+/g, " "));
      await write(lines.map((line) => `${line}\n`).join(""));
      await file?.datasync();
      await client.consumer.ackBatch({
        items: ids.map((id, i) => ({ queue, id, leaseToken: tokens[i] ?? "" })),
      });
      exported += ids.length;
      progress.update(exported);
    }
  } finally {
    await file?.close();
  }
  progress.finish(exported);
  process.stderr.write(`exported ${exported} jobs from ${queue}\n`);
}
