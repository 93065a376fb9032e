/** The logging presque needs; one JSON object per line on stderr. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createJsonLogger(
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const log =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg: message };
      for (const [key, value] of Object.entries(fields)) {
        record[key] = value instanceof Error ? { message: value.message, stack: value.stack } : value;
      }
      write(`${JSON.stringify(record)}\n`);
    };
  return { info: log("info"), warn: log("warn"), error: log("error") };
}

/** For tests and embedding: drops everything. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
