/**
 * A long-running command (serve, work) started through a wrapper such as `npx` is orphaned when
 * the wrapper is killed: npx does not pass SIGTERM on. When our parent changes (it died and we
 * were re-parented), we send ourselves SIGTERM, so the usual graceful shutdown runs.
 * One unref'd timer per process; it never keeps the process alive.
 */
export function stopWhenOrphaned(intervalMs = 1000): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, "SIGTERM");
  }, intervalMs).unref();
}
