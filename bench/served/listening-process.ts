import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

/** A server the bench started in a process of its own. */
export interface ListeningProcess {
  name: string;
  pid: number;
  url: string;
  /** The end of its stderr, for an error message. */
  stderrTail(): string;
  stop(): Promise<void>;
}

/** Every server started and not yet stopped, so Ctrl-C can stop them all (stopAllListening). */
const running = new Set<ListeningProcess>();

/** Stops every server this bench started that is still running. */
export async function stopAllListening(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

/** Every server prints "... listening on http://HOST:PORT" on stderr once it accepts connections. */
const listeningLine = /listening on (https?:\/\/[^\s:"]+:(\d+))/;

/**
 * Spawns `args` on this bench's Node (process.execPath: Node 24) and waits (at most `timeoutMs`)
 * for its listening line. stdout is dropped; stderr is kept (its end) for error messages.
 */
export async function startListening(
  name: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<ListeningProcess> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const tail = () => stderr.slice(-2000);
  const url = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () => fail(new Error(`${name} did not listen within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${error.message}\n${tail()}`));
    };
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-10_000);
      const match = listeningLine.exec(stderr);
      if (match?.[1] !== undefined && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on("error", fail);
    child.on("exit", (code, signal) =>
      fail(new Error(`${name} exited (${code ?? signal}) before listening`)),
    );
  });
  const server: ListeningProcess = {
    name,
    pid: child.pid as number,
    url,
    stderrTail: tail,
    async stop() {
      running.delete(server);
      await stopChild(child);
    },
  };
  running.add(server);
  return server;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = once(child, "exit");
  child.kill("SIGTERM");
  const killTimer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exit;
  clearTimeout(killTimer);
}
