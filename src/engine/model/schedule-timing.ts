import { CronExpressionParser } from "cron-parser";
import { invalidArgument } from "../../errors/presque-error.ts";

/** When a schedule fires: a cron expression in a time zone, or every N seconds. */
export type Timing = { cron: string; timezone?: string } | { everySeconds: number };

/** Checks a timing and says why it is wrong, before anything is stored. */
export function checkTiming(timing: Timing): Timing {
  if ("everySeconds" in timing) {
    const every = timing.everySeconds;
    if (!Number.isFinite(every) || every < 1 || every > 366 * 86_400) {
      throw invalidArgument("every must be from 1 second to 366 days");
    }
    return { everySeconds: every };
  }
  if (timing.timezone !== undefined) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: timing.timezone });
    } catch {
      throw invalidArgument(`time zone ${JSON.stringify(timing.timezone)} is not an IANA time zone`);
    }
  }
  try {
    CronExpressionParser.parse(timing.cron, { tz: timing.timezone, strict: false }).next();
  } catch (error) {
    throw invalidArgument(`cron ${JSON.stringify(timing.cron)} is not valid: ${(error as Error).message}`);
  }
  return timing;
}

/**
 * The first tick strictly after `afterMs`. For intervals, ticks are `anchor + k * every`; a
 * schedule that fell behind (presque was down) skips to the next future tick instead of
 * replaying the ones it missed.
 */
export function nextTick(timing: Timing, afterMs: number, anchorMs = afterMs): number {
  if ("everySeconds" in timing) {
    const every = timing.everySeconds * 1000;
    const steps = Math.max(1, Math.floor((afterMs - anchorMs) / every) + 1);
    return anchorMs + steps * every;
  }
  return CronExpressionParser.parse(timing.cron, { currentDate: new Date(afterMs), tz: timing.timezone })
    .next()
    .getTime();
}
