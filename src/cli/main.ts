import { ConnectError } from "@connectrpc/connect";
import { CliError } from "./cli-error.ts";
import { runExport } from "./export-command.ts";
import { runImport } from "./import-command.ts";
import { stopWhenOrphaned } from "./parent-watch.ts";
import { runPop } from "./pop-command.ts";
import { runPush } from "./push-command.ts";
import { runServe } from "./serve-command.ts";
import { runStats } from "./stats-command.ts";
import { runWork } from "./work-command.ts";

const usage = `presque: a job queue over HTTP+JSON, Connect, gRPC and gRPC-Web, on Redis

Usage:
  presque serve [--port N] [--host ADDR] [--config FILE] [--data-dir DIR]
  presque work --queue NAME [--queue NAME...] [--concurrency N] [--timeout 60s] -- <command> [args...]
  presque push <queue> [json] [--priority N] [--delay 10s]
  presque pop <queue> [--wait 30s]
  presque stats [queue] [--json]
  presque import <queue> [file.ndjson]
  presque export <queue> [file.ndjson]
  presque help

Every command but serve talks to a running presque: --url URL, or $PRESQUE_URL, or
http://localhost:5000. Run "presque <command> --help" for details.
`;

const commands: Record<string, (argv: string[]) => Promise<void>> = {
  serve: runServe,
  work: runWork,
  push: runPush,
  pop: runPop,
  stats: runStats,
  import: runImport,
  export: runExport,
};

const [command, ...rest] = process.argv.slice(2);
const run = command === undefined ? undefined : commands[command];
if (command === "serve" || command === "work") stopWhenOrphaned();
if (run) {
  try {
    await run(rest);
  } catch (error) {
    // Bad options (parseArgs), our own errors and RPC errors are one line; anything else is a bug.
    const known = error instanceof CliError || error instanceof ConnectError || isArgsError(error);
    if (!known) throw error;
    process.stderr.write(`presque ${command}: ${(error as Error).message}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : isArgsError(error) ? 2 : 1;
  }
} else if (command === undefined || ["help", "--help", "-h"].includes(command)) {
  process.stdout.write(usage);
} else {
  process.stderr.write(`presque: unknown command ${JSON.stringify(command)}\n\n${usage}`);
  process.exitCode = 2;
}

function isArgsError(error: unknown): boolean {
  return (
    typeof (error as { code?: unknown })?.code === "string" &&
    String((error as { code: string }).code).startsWith("ERR_PARSE_ARGS")
  );
}
