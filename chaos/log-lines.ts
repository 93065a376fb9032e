import { closeSync, openSync, readFileSync, writeSync } from "node:fs";

/**
 * What a producer logs: "sent" per job before each try, "ok" per job it got a 2xx for, "retry" per
 * request tried again (and why), "failed" per job it gave up on.
 */
export type ProducerLine =
  | { ev: "sent"; producer: string; key: string; at: number }
  | { ev: "ok"; producer: string; key: string; id: string; status: number; sentAt: number; at: number }
  | { ev: "retry"; producer: string; key: string; reason: string; at: number }
  | { ev: "failed"; producer: string; key: string; error: string; at: number };

/** What a consumer logs: one line per delivery, one per ack answer (or ack failure). */
export type ConsumerLine =
  | {
      ev: "delivery";
      consumer: string;
      id: string;
      key: string;
      token: string;
      attempt: number;
      /** Lease deadline as the server gave it (ms, Redis clock; same machine as Date.now()). */
      deadline: number;
      /** The lease asked for: it began at deadline - leaseMs. */
      leaseMs: number;
      at: number;
    }
  | {
      ev: "ack";
      consumer: string;
      id: string;
      token: string;
      result: "acked" | "stale" | "not_found" | "error";
      sentAt: number;
      at: number;
    };

/** What the orchestrator logs about the faults it caused. */
export interface FaultLine {
  ev: "fault";
  kind: "kill" | "stop";
  /** "presque", "redis", or a consumer's name. */
  target: string;
  at: number;
  /** When it was brought back: SIGCONT, or the restart began (it cannot answer before). */
  until: number;
}

export type LogLine = ProducerLine | ConsumerLine | FaultLine;

/**
 * Appends JSON lines with write(2) straight to the file: a line the process has written survives
 * its kill -9 (it is in the kernel), and at most the line being written is cut short.
 */
export function openLineLog(file: string) {
  const fd = openSync(file, "a");
  return {
    write(line: LogLine): void {
      writeSync(fd, `${JSON.stringify(line)}\n`);
    },
    close: () => closeSync(fd),
  };
}

export type LineLog = ReturnType<typeof openLineLog>;

/** Every complete line of a log; a last line cut short by a kill -9 is skipped. */
export function readLines(file: string): LogLine[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const lines: LogLine[] = [];
  for (const raw of text.split("\n")) {
    if (raw === "") continue;
    try {
      lines.push(JSON.parse(raw) as LogLine);
    } catch {
      // a torn last line
    }
  }
  return lines;
}
