import { parseArgs } from "node:util";
import { usageError } from "./cli-error.ts";

/** "60s", "2m", "500ms", "1h" or plain seconds ("60"), as milliseconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match)
    throw usageError(`${option} must be a duration like 60s, 2m or 500ms, got ${JSON.stringify(text)}`);
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? "s"] as number;
  return Number(match[1]) * unitMs;
}

export function parseCount(text: string, option: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw usageError(`${option} must be a whole number of at least ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** The one positional argument a command needs, or a usage error naming it. */
export function required(positionals: string[], index: number, what: string, usage: string): string {
  const value = positionals[index];
  if (value === undefined || value === "") throw usageError(`${what} is missing\n\n${usage}`);
  return value;
}

/**
 * The arguments of import and export: `<queue> [file]` (none or "-": standard input or output)
 * and --url. Undefined when --help was asked for and the usage printed.
 */
export function queueAndFileArgs(
  argv: string[],
  usage: string,
): { queue: string; file?: string; url?: string } | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write(usage);
    return undefined;
  }
  const queue = required(positionals, 0, "queue", usage);
  return { queue, file: positionals[1] === "-" ? undefined : positionals[1], url: values.url };
}
