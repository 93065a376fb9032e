/**
 * One self-rescheduling timer: runs `pass`, then waits as long as the pass says before the next
 * one (a failed pass is reported and retried after `afterErrorMs`). The timer is unref'd, so it
 * never keeps the process alive; passes never overlap.
 */
export function startTimedLoop(options: {
  pass: () => Promise<number>;
  firstInMs: number;
  afterErrorMs: number;
  onError: (error: unknown) => void;
}): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      options.pass().then(schedule, (error: unknown) => {
        options.onError(error);
        schedule(options.afterErrorMs);
      });
    }, delayMs);
    timer.unref();
  };
  schedule(options.firstInMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
