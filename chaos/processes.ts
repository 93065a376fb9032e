import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, openSync } from "node:fs";

/** A child of the chaos run: its pid stays the same until it exits (setpriv execs in place). */
export interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
  alive(): boolean;
}

const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((path) => existsSync(path));

/**
 * Every process a run starts, so that all of them are killed at the end, whatever happened. On
 * Linux each child also gets SIGKILL from the kernel if this process dies (PR_SET_PDEATHSIG), so
 * even a kill -9 of the suite leaves nothing behind.
 */
export class Processes {
  readonly #all = new Set<Proc>();

  /** stdout and stderr go to `outFile`, unless `pipeStderr` (then the caller reads child.stderr). */
  spawn(name: string, command: string, args: string[], outFile: string, pipeStderr = false): Proc {
    const out = openSync(outFile, "a");
    const [cmd, argv] = setpriv ? [setpriv, ["--pdeathsig", "KILL", command, ...args]] : [command, args];
    const child = spawn(cmd, argv, {
      stdio: ["ignore", out, pipeStderr ? "pipe" : out],
      env: cleanEnv(),
    });
    const exited = once(child, "exit").then(
      () => {},
      () => {},
    );
    const proc: Proc = {
      name,
      child,
      exited,
      alive: () => child.exitCode === null && child.signalCode === null,
    };
    this.#all.add(proc);
    void exited.then(() => this.#all.delete(proc));
    return proc;
  }

  /** kill -9, and wait until the process is gone. */
  async kill9(proc: Proc): Promise<void> {
    if (proc.alive()) proc.child.kill("SIGKILL");
    await proc.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async terminate(proc: Proc, graceMs: number): Promise<void> {
    if (!proc.alive()) return;
    proc.child.kill("SIGCONT"); // a stopped process cannot act on SIGTERM
    proc.child.kill("SIGTERM");
    const timer = setTimeout(() => proc.child.kill("SIGKILL"), graceMs);
    await proc.exited;
    clearTimeout(timer);
  }

  async killAll(): Promise<void> {
    await Promise.all([...this.#all].map((proc) => this.kill9(proc)));
  }
}

/** The children see no REDIS_URL or PRESQUE_* settings of the caller's shell: only their config. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key !== "REDIS_URL" && !key.startsWith("PRESQUE_")) env[key] = value;
  }
  return env;
}
