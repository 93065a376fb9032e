import { runServe } from "./serve-command.ts";

const usage = `presque: a job queue over HTTP+JSON, Connect, gRPC and gRPC-Web, on Redis

Usage:
  presque serve [--port N] [--host ADDR] [--config FILE] [--data-dir DIR]
  presque help

Run "presque serve --help" for the options of serve.
`;

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case "serve":
    await runServe(rest);
    break;
  case undefined:
  case "help":
  case "--help":
  case "-h":
    process.stdout.write(usage);
    break;
  default:
    process.stderr.write(`presque: unknown command ${JSON.stringify(command)}\n\n${usage}`);
    process.exitCode = 2;
}
