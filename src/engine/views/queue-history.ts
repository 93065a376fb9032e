import type { Store } from "../store/store.ts";

/** One minute of a queue: events counted by the scripts, and the depth the sampler last saw. */
export interface MinutePoint {
  /** Start of the minute, ms since the epoch (Redis clock). */
  startMs: number;
  enqueued: number;
  processed: number;
  failed: number;
  expiredLeases: number;
  /** Absent when no depth sample was written in that minute (see background/depth-sampler.ts). */
  ready?: number;
  delayed?: number;
  inFlight?: number;
}

/** Minute buckets expire after ~65 minutes (includes/count-event.lua), so an hour is all there is. */
export const maxHistoryMinutes = 60;

const count = (value: string | undefined) => Number(value ?? 0);
const sample = (value: string | undefined) => (value === undefined ? undefined : Number(value));

/**
 * Reads the last `minutes` minute buckets of a queue, oldest first, the current (partial) minute
 * last. Minutes with no bucket come back as zeros, so charts get an evenly spaced series.
 */
export async function readQueueHistory(
  store: Store,
  queue: string,
  minutes: number,
  nowMs: number,
): Promise<MinutePoint[]> {
  const current = Math.floor(nowMs / 60_000);
  const wanted = Array.from({ length: minutes }, (_, i) => current - minutes + 1 + i);
  const buckets = await store.minutes.read(queue, wanted);
  return wanted.map((minute, i) => {
    const hash = buckets[i] ?? {};
    const point: MinutePoint = {
      startMs: minute * 60_000,
      enqueued: count(hash.enqueued),
      processed: count(hash.processed),
      failed: count(hash.failed),
      expiredLeases: count(hash.expiredLeases),
    };
    const ready = sample(hash.ready);
    if (ready !== undefined) {
      point.ready = ready;
      point.delayed = sample(hash.delayed) ?? 0;
      point.inFlight = sample(hash.inFlight) ?? 0;
    }
    return point;
  });
}
