import { isExecutable } from "./find-redis-server.ts";

export interface LaunchCommand {
  command: string;
  args: string[];
  /** Own process group: a Ctrl-C meant for presque must not stop redis before presque has drained. */
  detached: boolean;
}

/**
 * Wraps a command so the kernel sends it SIGTERM when presque dies, even by SIGKILL (Linux
 * PR_SET_PDEATHSIG, via util-linux `setpriv`, which then execs the command under the same pid).
 * SIGTERM makes redis-server shut down cleanly, fsyncing its AOF.
 *
 * Without setpriv the child stays in presque's process group, so at least a terminal's Ctrl-C reaches
 * both; a leftover server after a hard kill is then reported by claimDataDir at the next start.
 */
export async function withParentDeathSignal(command: string, args: string[]): Promise<LaunchCommand> {
  for (const setpriv of ["/usr/bin/setpriv", "/bin/setpriv"]) {
    if (process.platform === "linux" && (await isExecutable(setpriv))) {
      return { command: setpriv, args: ["--pdeathsig", "TERM", command, ...args], detached: true };
    }
  }
  return { command, args, detached: false };
}
