import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

export interface SpawnedPresque {
  child: ChildProcess;
  baseUrl: string;
  /** Every log line so far (JSON lines on stderr). */
  logs: string[];
  /** Resolves with the first log line (so far or to come) that matches. */
  logLine(pattern: RegExp): Promise<string>;
  /** Sends SIGTERM and resolves with the exit code. */
  terminate(): Promise<number | null>;
}

const bin = new URL("../../bin/presque.js", import.meta.url).pathname;

/**
 * Runs `presque serve` as a user would (its own process, real port) and resolves once it logs the
 * "listening" line, which carries the port it picked.
 */
export async function spawnPresque(args: string[], env: NodeJS.ProcessEnv = {}): Promise<SpawnedPresque> {
  const child = spawn(process.execPath, [bin, "serve", "--host", "127.0.0.1", "--port", "0", ...args], {
    env: { ...process.env, REDIS_URL: undefined, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const lines = createInterface({ input: child.stderr as NodeJS.ReadableStream });
  lines.on("line", (line) => {
    for (const waiter of [...waiting]) {
      if (!waiter.pattern.test(line)) continue;
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const port = await new Promise<number>((resolve, reject) => {
    lines.on("line", (line) => {
      logs.push(line);
      const match = /presque listening on https?:\/\/[^"]*:(\d+)"/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) =>
      reject(new Error(`presque exited with ${code} before listening:\n${logs.join("\n")}`)),
    );
  });
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    logLine(pattern) {
      const seen = logs.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => waiting.push({ pattern, resolve }));
    },
    async terminate() {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = await exited;
      return code as number | null;
    },
  };
}
