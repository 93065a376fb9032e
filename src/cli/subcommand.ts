import { usageError } from "./cli-error.ts";

/**
 * Splits `presque <command> <action> ...` into the action and its arguments. Undefined when
 * --help was asked for (and `usage` printed); an unknown or missing action is a usage error.
 */
export function subcommand<A extends string>(
  argv: string[],
  usage: string,
  actions: readonly A[],
): { action: A; rest: string[] } | undefined {
  const [action, ...rest] = argv;
  if (action === "--help" || action === "-h") {
    process.stdout.write(usage);
    return undefined;
  }
  if (action === undefined) throw usageError(`name one of ${actions.join(", ")}\n\n${usage}`);
  if (!actions.includes(action as A)) {
    throw usageError(
      `unknown action ${JSON.stringify(action)}: name one of ${actions.join(", ")}\n\n${usage}`,
    );
  }
  return { action: action as A, rest };
}
