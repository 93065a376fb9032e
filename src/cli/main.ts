import { ConnectError } from "@connectrpc/connect";
import { CliError, printError } from "./cli-error.ts";
import { stopWhenOrphaned } from "./parent-watch.ts";
import { presqueVersion } from "./version.ts";

const usage = `presque: a job queue over HTTP+JSON, Connect, gRPC and gRPC-Web, on Redis

Usage:
  presque serve [--port N] [--host ADDR] [--config FILE] [--data-dir DIR] [--workers N] [--insecure-no-auth]
  presque work --queue NAME [--queue NAME...] [--concurrency N] [--timeout 60s] -- <command> [args...]
  presque push <queue> [json] [--priority N] [--delay 10s | --run-at TIME] [--uniq KEY] ...
  presque pop <queue> [--wait 30s]
  presque stats [queue]
  presque stop|start|purge <queue>
  presque dead list|redrive|delete <queue>
  presque schedules list|set|delete ...
  presque import <queue> [file.ndjson]
  presque export <queue> [file.ndjson]
  presque keys create --name NAME --scope 'consume:billing.*' [--scope ...]
  presque help [command]
  presque --version

Every command but serve talks to a running presque: --url URL, or $PRESQUE_URL, or
http://localhost:5000; --api-key KEY or $PRESQUE_API_KEY when it has keys; --ca FILE or
$PRESQUE_CA for an https:// one whose certificate a private CA signed. Every one that prints
takes --json. Run "presque help <command>" for details.
`;

type Command = (argv: string[]) => Promise<void>;

/** Loaded on demand: `presque push` need not load the server (and its engine) to send one request. */
const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import("./serve-command.ts")).runServe,
  work: async () => (await import("./work-command.ts")).runWork,
  push: async () => (await import("./push-command.ts")).runPush,
  pop: async () => (await import("./pop-command.ts")).runPop,
  stats: async () => (await import("./stats-command.ts")).runStats,
  stop: async () => (await import("./control-command.ts")).stateCommand("stop"),
  start: async () => (await import("./control-command.ts")).stateCommand("start"),
  purge: async () => (await import("./control-command.ts")).runPurge,
  dead: async () => (await import("./dead-command.ts")).runDead,
  schedules: async () => (await import("./schedules-command.ts")).runSchedules,
  import: async () => (await import("./import-command.ts")).runImport,
  export: async () => (await import("./export-command.ts")).runExport,
  keys: async () => (await import("./keys-command.ts")).runKeys,
};

const [command, ...rest] = process.argv.slice(2);
if (command === "serve" || command === "work") stopWhenOrphaned();
if (command === undefined || ["help", "--help", "-h"].includes(command)) {
  // `presque help serve` is `presque serve --help`.
  const topic = rest[0];
  if (topic === undefined) process.stdout.write(usage);
  else await runCommand(topic, ["--help"]);
} else if (["--version", "-v", "version"].includes(command)) {
  process.stdout.write(`presque ${presqueVersion()}\n`);
} else {
  await runCommand(command, rest);
}

/** Runs a command; failures it expects (and bad options) are one line on stderr, the rest are bugs. */
async function runCommand(name: string, argv: string[]): Promise<void> {
  try {
    const load = commands[name];
    if (!load) throw new CliError(`unknown command ${JSON.stringify(name)}\n\n${usage}`, 2);
    await (await load())(argv);
  } catch (error) {
    const known = error instanceof CliError || error instanceof ConnectError || isArgsError(error);
    if (!known) throw error;
    printError((error as Error).message);
    process.exitCode = error instanceof CliError ? error.exitCode : isArgsError(error) ? 2 : 1;
  }
}

function isArgsError(error: unknown): boolean {
  return (
    typeof (error as { code?: unknown })?.code === "string" &&
    String((error as { code: string }).code).startsWith("ERR_PARSE_ARGS")
  );
}
