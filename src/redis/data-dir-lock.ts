import { readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";

export interface InstanceFiles {
  /** Written by redis-server at start, removed at a clean shutdown. */
  pidFile: string;
  /** Left behind when redis-server is killed. */
  socket?: string;
}

/**
 * Makes sure no redis-server is running on this data dir, and removes what a crashed one left. Two
 * servers appending to one AOF would corrupt it, so a live one is an error rather than something to
 * share. (Two presques starting in the same instant are not caught; that is not worth a real lock.)
 */
export async function claimDataDir(dataDir: string, files: InstanceFiles): Promise<void> {
  const pid = await readPid(files.pidFile);
  if (pid !== undefined && isRunningRedis(pid)) {
    throw new Error(
      `a redis-server (pid ${pid}) is already running for data dir ${dataDir}: stop it, or the presque ` +
        `that uses it, or give this presque another data dir`,
    );
  }
  await rm(files.pidFile, { force: true });
  if (files.socket !== undefined) await rm(files.socket, { force: true });
}

async function readPid(pidFile: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(pidFile, "utf8"), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A pid can be reused after a crash, so a live pid only counts if it is still a redis-server. */
function isRunningRedis(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // A zombie has an empty cmdline, and is not running.
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("redis-server");
  } catch {
    return true; // no /proc: trust kill(0)
  }
}
