import { performance } from "node:perf_hooks";

export interface TimedLoop {
  /**
   * The next pass starts within `delayMs` (sooner if it was due sooner). During a pass, the
   * following one starts by then at the latest. One timer whatever the number of calls.
   */
  runBy(delayMs: number): void;
  stop(): void;
}

/**
 * One self-rescheduling timer: runs `pass`, then waits as long as the pass says before the next
 * one (a failed pass is reported and retried after `afterErrorMs`). The timer is unref'd, so it
 * never keeps the process alive; passes never overlap. A pass due now runs on setImmediate
 * (setTimeout waits at least 1 ms); a timer that fires a millisecond or more early (Node's timers
 * count from the loop's cached time, stale after a long turn) is set again for the rest.
 */
export function startTimedLoop(options: {
  pass: () => Promise<number>;
  firstInMs: number;
  afterErrorMs: number;
  onError: (error: unknown) => void;
}): TimedLoop {
  let stopped = false;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  /** When the armed timer is meant to run the pass (performance.now()); Infinity when none is. */
  let target = Number.POSITIVE_INFINITY;
  /** The earliest start asked for (runBy) while a pass was running. */
  let wanted = Number.POSITIVE_INFINITY;

  const disarm = () => {
    clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = immediate = undefined;
    target = Number.POSITIVE_INFINITY;
  };
  const arm = (at: number) => {
    if (stopped) return;
    disarm();
    target = at;
    const delayMs = at - performance.now();
    if (delayMs <= 0) immediate = setImmediate(fire).unref();
    else timer = setTimeout(fire, delayMs).unref();
  };
  const fire = () => {
    if (target - performance.now() >= 1) return arm(target);
    disarm();
    running = true;
    options.pass().then(
      (nextInMs) => settle(performance.now() + nextInMs),
      (error: unknown) => {
        options.onError(error);
        settle(performance.now() + options.afterErrorMs);
      },
    );
  };
  const settle = (next: number) => {
    running = false;
    const at = Math.min(next, wanted);
    wanted = Number.POSITIVE_INFINITY;
    arm(at);
  };
  arm(performance.now() + options.firstInMs);
  return {
    runBy(delayMs) {
      if (stopped) return;
      const at = performance.now() + Math.max(0, delayMs);
      if (running) wanted = Math.min(wanted, at);
      else if (at < target) arm(at);
    },
    stop() {
      stopped = true;
      disarm();
    },
  };
}
