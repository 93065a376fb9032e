import { CliError } from "./cli-error.ts";

/** A file the CLI cannot open, as one line ("cannot read x.ndjson: no such file"), not a stack. */
export function fileError(verb: "read" | "write", path: string, error: unknown): CliError {
  const code = (error as { code?: string }).code;
  const reasons: Record<string, string> = {
    ENOENT: "no such file",
    EACCES: "permission denied",
    EISDIR: "it is a directory",
  };
  return new CliError(`cannot ${verb} ${path}: ${reasons[code ?? ""] ?? (error as Error).message}`);
}
