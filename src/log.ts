import { pino } from "pino";

/** The logging presque needs; one JSON object per line (pino) on stderr. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Errors anywhere in the fields become {message, stack}: JSON.stringify would print {}. */
function plainFields(fields: Record<string, unknown>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    record[key] = value instanceof Error ? { message: value.message, stack: value.stack } : value;
  }
  return record;
}

/**
 * A pino logger behind presque's Logger interface. Lines look like
 * {"level":"info","time":"2026-…Z","msg":"…",...fields}. The destination is written synchronously,
 * so the last line before process.exit() is never lost.
 */
export function createJsonLogger(
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const logger = pino(
    {
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write },
  );
  return {
    info: (message, fields = {}) => logger.info(plainFields(fields), message),
    warn: (message, fields = {}) => logger.warn(plainFields(fields), message),
    error: (message, fields = {}) => logger.error(plainFields(fields), message),
  };
}

/** For tests and embedding: drops everything. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
