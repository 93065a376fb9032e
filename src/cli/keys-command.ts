import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { hashSecret, keyNamePattern, newSecret } from "../auth/api-key.ts";
import { parseScope } from "../auth/scope.ts";
import { usageError } from "./cli-error.ts";
import { subcommand } from "./subcommand.ts";

const usage = `Usage:
  presque keys create --name NAME --scope SCOPE [--scope SCOPE...] [--json]
  presque keys hash [--name NAME --scope SCOPE...] < secret

create makes a new API key: it prints the secret once (give it to the client; presque never
stores it) and the entry to add to auth.keys in presque's config or keys file (only the hash).
hash prints the entry for a secret you already have (read from stdin).

Scopes: produce:<queues>, consume:<queues>, read:<queues>, admin:<queues>, or * (everything).
<queues> is a queue name or a pattern with * (billing.* is every queue starting with billing.).
admin (control, settings, purge, delete, redrive, schedules) also allows read.

Example:
  presque keys create --name billing-worker --scope 'consume:billing.*' --scope 'produce:mail'
`;

export async function runKeys(argv: string[]): Promise<void> {
  const command = subcommand(argv, usage, ["create", "hash"] as const);
  if (!command) return;
  const { values } = parseArgs({
    args: command.rest,
    options: {
      name: { type: "string" },
      scope: { type: "string", multiple: true },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return void process.stdout.write(usage);
  const name = values.name ?? (command.action === "hash" ? "key" : undefined);
  if (name === undefined) throw usageError(`--name is required\n\n${usage}`);
  if (!keyNamePattern.test(name)) throw usageError("--name must be 1-64 of A-Z a-z 0-9 _ . @ -");
  const scopes = values.scope ?? (command.action === "hash" ? ["*"] : []);
  if (scopes.length === 0) throw usageError(`give at least one --scope\n\n${usage}`);
  for (const scope of scopes) {
    const parsed = parseScope(scope);
    if (typeof parsed === "string") throw usageError(parsed);
  }
  const secret = command.action === "create" ? newSecret() : await readSecret();
  const entry = { name, hash: hashSecret(secret), scopes };
  if (values.json) {
    const shown = command.action === "create" ? { ...entry, secret } : entry;
    return void process.stdout.write(`${JSON.stringify(shown)}\n`);
  }
  if (command.action === "create") {
    process.stdout.write(
      `secret (shown once; give it to ${name}, e.g. as PRESQUE_API_KEY):\n  ${secret}\n\n`,
    );
  }
  process.stdout.write(`add to auth.keys in presque's config (or the keys file), then send SIGHUP:\n`);
  process.stdout.write(
    indent(stringify([entry], { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" })),
  );
}

async function readSecret(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const secret = Buffer.concat(chunks).toString("utf8").trim();
  if (secret === "") throw usageError("keys hash reads the secret from stdin; it was empty");
  return secret;
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => (line === "" ? line : `  ${line}`))
    .join("\n");
