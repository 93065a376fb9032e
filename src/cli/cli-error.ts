/** A failure the CLI reports as one line on stderr, without a stack; exitCode 2 means bad usage. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string) => new CliError(message, 2);

/** Every error the CLI prints starts the same way, whichever command and layer it comes from. */
export function printError(message: string): void {
  process.stderr.write(`presque: ${message}\n`);
}
