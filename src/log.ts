import { pino } from "pino";

/** The logging presque needs; one JSON object per line (pino) on stderr. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Errors anywhere in the fields become {message, stack}: JSON.stringify would print {}. */
function plainFields(fields: Record<string, unknown>): Record<string, unknown> {
  // Most lines (every request line) hold no error: those go to pino as they are, uncopied.
  let hasError = false;
  for (const key in fields) if (fields[key] instanceof Error) hasError = true;
  if (!hasError) return fields;
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    record[key] = value instanceof Error ? { message: value.message, stack: value.stack } : value;
  }
  return record;
}

/** pino's isoTime, remembered for the millisecond: the lines of one turn mostly share it. */
function isoTimeOncePerMs(): () => string {
  let lastMs = -1;
  let last = "";
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      last = `,"time":"${new Date(now).toISOString()}"`;
    }
    return last;
  };
}

/**
 * stderr, one write per turn of the event loop: a busy server logs a line per request, and a
 * write call each costs more than making the line. Lines wait at most until the turn ends;
 * warnings and errors go out at once (with the lines before them), and whatever waits is written
 * at exit, synchronously (stderr is synchronous for files, pipes and terminals on Linux), so the
 * last line before process.exit() is never lost. One per process, as stderr is.
 */
const stderrBatch = (() => {
  let pending: string[] = [];
  let scheduled = false;
  let hooked = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.length === 1 ? (pending[0] as string) : pending.join("");
    pending = [];
    process.stderr.write(text);
  };
  return {
    write(line: string) {
      pending.push(line);
      if (!hooked) {
        hooked = true;
        process.once("exit", flush);
      }
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
})();

/**
 * A pino logger behind presque's Logger interface. Lines look like
 * {"level":"info","time":"2026-…Z","msg":"…",...fields}. Given a `write`, every line is handed to
 * it at once; without, lines go to stderr batched per turn (stderrBatch).
 */
export function createJsonLogger(write?: (line: string) => void): Logger {
  const logger = pino(
    {
      base: undefined,
      timestamp: isoTimeOncePerMs(),
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: write ?? stderrBatch.write },
  );
  // Warnings and errors are not kept waiting: a crash may follow them.
  const now = write === undefined ? stderrBatch.flush : () => undefined;
  return {
    info: (message, fields = {}) => logger.info(plainFields(fields), message),
    warn: (message, fields = {}) => {
      logger.warn(plainFields(fields), message);
      now();
    },
    error: (message, fields = {}) => {
      logger.error(plainFields(fields), message);
      now();
    },
  };
}

/** For tests and embedding: drops everything. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
