import { commandArgs } from "./command-args.ts";
import { createRestClient, queuePath } from "./rest-client.ts";
import { serverFlagsHelp } from "./server-flags.ts";

const json = { json: { type: "boolean" } } as const;
const queueArg = { required: ["queue"] };

const stateUsage = (
  verb: "stop" | "start",
) => `Usage: presque ${verb} <queue> [--json] [--url URL] [--api-key KEY] [--ca FILE]

${
  verb === "stop"
    ? "Stops a queue: it keeps accepting jobs but hands none out until started again."
    : "Starts a stopped queue again: it hands its jobs out."
}
${serverFlagsHelp}`;

/** `presque stop` and `presque start`: POST /control/:queue. */
export function stateCommand(verb: "stop" | "start") {
  const usage = stateUsage(verb);
  return async (argv: string[]): Promise<void> => {
    const args = commandArgs(argv, usage, json, queueArg);
    if (!args) return;
    const queue = args.positionals[0] as string;
    const body = JSON.stringify({ status: verb });
    const answer = await createRestClient(args.values).request("POST", `/control/${queuePath(queue)}`, body);
    if (args.values.json) return void process.stdout.write(`${answer.text}\n`);
    const { stopped } = JSON.parse(answer.text) as { stopped: boolean };
    process.stdout.write(`${queue} ${stopped ? "stopped" : "started"}\n`);
  };
}

const purgeUsage = `Usage: presque purge <queue> [--json] [--url URL] [--api-key KEY] [--ca FILE]

Deletes every job of the queue: ready, delayed and leased (dead letters stay). Prints how many.
${serverFlagsHelp}`;

export async function runPurge(argv: string[]): Promise<void> {
  const args = commandArgs(argv, purgeUsage, json, queueArg);
  if (!args) return;
  const queue = args.positionals[0] as string;
  const answer = await createRestClient(args.values).request("DELETE", `/q/${queuePath(queue)}`);
  if (args.values.json) return void process.stdout.write(`${answer.text}\n`);
  const { purged } = JSON.parse(answer.text) as { purged: number };
  process.stdout.write(`purged ${purged} jobs from ${queue}\n`);
}
