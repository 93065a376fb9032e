import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { usageError } from "./cli-error.ts";
import { serverFlagOptions } from "./server-flags.ts";

const commonOptions = {
  ...serverFlagOptions,
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsOptionsConfig;

export interface Positionals {
  /** Names of the arguments that must be there, in order ("queue"). */
  required?: string[];
  /** Names of the ones that may follow them ("file"). */
  optional?: string[];
}

/**
 * A command's flags (plus --url, --api-key, --ca and --help) and its positional arguments, checked: a missing one
 * and an extra one are both usage errors. Undefined when --help was asked for and `usage` printed.
 */
export function commandArgs<const T extends ParseArgsOptionsConfig>(
  argv: string[],
  usage: string,
  options: T,
  { required = [], optional = [] }: Positionals = {},
) {
  const { values, positionals } = parseArgs({
    args: negativeValuesJoined(argv, options),
    allowPositionals: true,
    strict: true,
    options: { ...commonOptions, ...options },
  });
  if ((values as { help?: boolean }).help) {
    process.stdout.write(usage);
    return undefined;
  }
  const missing = required.find((_, i) => positionals[i] === undefined || positionals[i] === "");
  if (missing !== undefined) throw usageError(`${missing} is missing\n\n${usage}`);
  const extra = positionals[required.length + optional.length];
  if (extra !== undefined) throw usageError(`unexpected argument ${JSON.stringify(extra)}\n\n${usage}`);
  return { values, positionals };
}

/**
 * parseArgs takes "-7" after "--priority" for a forgotten value; a negative number is a value
 * here, so `--priority -7` becomes `--priority=-7`.
 */
function negativeValuesJoined(argv: string[], options: ParseArgsOptionsConfig): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    const takesValue = arg.startsWith("--") && options[arg.slice(2)]?.type === "string";
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}
