import { createWriteStream, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { freePort } from "../src/redis/free-port.ts";
import type { Proc, Processes } from "./processes.ts";

const bin = new URL("../bin/presque.js", import.meta.url).pathname;

/** presque as users run it (`node bin/presque.js serve --config FILE`), on a port kept across restarts. */
export interface PresqueProcess {
  url: string;
  current(): Proc;
  /** Starts it again on the same port; resolves once it logs that it listens. */
  restart(): Promise<void>;
}

export async function startPresqueProcess(
  procs: Processes,
  dir: string,
  redisPort: number,
  leaseSeconds: number,
): Promise<PresqueProcess> {
  const port = await freePort();
  const config = join(dir, "presque.yaml");
  writeFileSync(
    config,
    [
      "host: 127.0.0.1",
      `port: ${port}`,
      "prefix: chaos",
      "redis:",
      "  host: 127.0.0.1",
      `  port: ${redisPort}`,
      `default_lease_seconds: ${leaseSeconds}`,
      "reaper_interval_ms: 100",
      "log_requests: false",
      "",
    ].join("\n"),
  );
  const logFile = join(dir, "presque.log");
  const logStream = createWriteStream(logFile, { flags: "a" });
  let proc: Proc;
  const start = async () => {
    proc = procs.spawn("presque", process.execPath, [bin, "serve", "--config", config], logFile, true);
    const lines = createInterface({ input: proc.child.stderr as NodeJS.ReadableStream });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`presque did not listen within 15 s; see ${logFile}`)),
        15_000,
      );
      lines.on("line", (line) => {
        logStream.write(`${line}\n`);
        if (line.includes("presque listening on")) {
          clearTimeout(timer);
          resolve();
        }
      });
      void proc.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`presque exited before listening; see ${logFile}`));
      });
    });
  };
  await start();
  return { url: `http://127.0.0.1:${port}`, current: () => proc, restart: start };
}
