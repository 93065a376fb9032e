import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { CliError } from "./cli-error.ts";
import { commandArgs } from "./command-args.ts";
import { fileError } from "./file-error.ts";
import { createProgressBar } from "./progress-bar.ts";
import { createRestClient, queuePath } from "./rest-client.ts";
import { serverFlagsHelp } from "./server-flags.ts";

const usage = `Usage: presque import <queue> [file.ndjson] [--url URL] [--api-key KEY] [--ca FILE]

Enqueues one job per line of an NDJSON file (stdin when no file or "-"), in batches; each
payload is stored byte for byte. Blank lines are skipped. A progress bar shows on a terminal.
${serverFlagsHelp}`;

/** Batches stay well under the server's default limits (1000 jobs, 1 MiB body). */
const maxBatchJobs = 500;
const maxBatchBytes = 512 * 1024;

export async function runImport(argv: string[]): Promise<void> {
  const args = commandArgs(argv, usage, {}, { required: ["queue"], optional: ["file"] });
  if (!args) return;
  const [queue, path] = args.positionals as [string, string | undefined];
  const file = path === "-" ? undefined : path;
  const rest = createRestClient(args.values);
  const progress = createProgressBar(`import ${queue}`, file ? await countLines(file) : undefined);

  let batch: string[] = [];
  let batchBytes = 0;
  let imported = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await rest.request("POST", `/qb/${queuePath(queue)}`, `{"jobs":[${batch.join(",")}]}`);
    imported += batch.length;
    batch = [];
    batchBytes = 0;
    progress.update(imported);
  };

  const input = file ? createReadStream(file) : process.stdin;
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNumber++;
    if (line.trim() === "") continue;
    try {
      JSON.parse(line);
    } catch (error) {
      throw new CliError(
        `line ${lineNumber} is not JSON (${(error as Error).message}); ${imported} jobs were imported before it`,
      );
    }
    batch.push(line);
    batchBytes += line.length;
    if (batch.length >= maxBatchJobs || batchBytes >= maxBatchBytes) await flush();
  }
  await flush();
  progress.finish(imported);
  process.stderr.write(`imported ${imported} jobs into ${queue}\n`);
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  // The first read of the file: a missing one or a directory fails here, before any job is sent.
  try {
    for await (const line of createInterface({
      input: createReadStream(file),
      crlfDelay: Number.POSITIVE_INFINITY,
    })) {
      if (line.trim() !== "") lines++;
    }
  } catch (error) {
    throw fileError("read", file, error);
  }
  return lines;
}
