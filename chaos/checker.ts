import { type Cause, classifyRedeliveries, everysecWindowMs, type Redelivery } from "./duplicates.ts";
import type { FinalState } from "./final-state.ts";
import { ackKey, indexLines } from "./job-histories.ts";
import type { LogLine } from "./log-lines.ts";
import type { Fsync } from "./redis-process.ts";

/** What one run showed; `failures` empty means the run passed. */
export interface Verdict {
  enqueued: number;
  /** Jobs whose request was sent more than once (after a timeout, a network error or a 5xx). */
  retried: number;
  gaveUp: number;
  /** Why requests were tried again → how often. */
  retryReasons: Record<string, number>;
  deliveries: number;
  deliveredJobs: number;
  /** 2xx'd payload keys that were never delivered and are not in Redis. */
  lost: string[];
  /** Of those, the ones 2xx'd within everysecWindowMs before a Redis kill -9 under everysec. */
  expectedLoss: string[];
  /** Delivered, never acked, gone, with no ack that might have landed: lost after delivery. */
  vanished: string[];
  redeliveries: Record<Cause, number>;
  unexplained: Redelivery[];
  /** Delivered payloads no producer ever sent. */
  unexpected: number;
  /** Delivered payloads whose producer gave up without a 2xx (the write had happened): fine. */
  unconfirmed: number;
  stuck: Omit<FinalState, "keys">;
  /** 2xx answered while Redis was killed or frozen; false when that job is then missing. */
  outage: { answered: number; falseTwoXx: number; waited: number };
  longestAnswerMs: number;
  failures: string[];
}

/** Any 2xx answered this long after the fault began cannot have come from Redis' reply. */
const inFlightMarginMs = 100;

export function check(lines: LogLine[], final: FinalState, fsync: Fsync): Verdict {
  const h = indexLines(lines);
  const inRedis = new Set(final.keys);
  const redisDown = h.faults.filter((f) => f.target === "redis");
  const lost: string[] = [];
  const expectedLoss: string[] = [];
  const vanished: string[] = [];
  const outage = { answered: 0, falseTwoXx: 0, waited: 0 };
  let longestAnswerMs = 0;

  for (const [key, oks] of h.ok) {
    const deliveries = h.deliveries.get(key) ?? [];
    const missing = deliveries.length === 0 && !inRedis.has(key);
    const first = oks[0];
    if (first === undefined) continue;
    if (missing) {
      const lossy = redisDown.some(
        (f) =>
          fsync === "everysec" &&
          f.kind === "kill" &&
          first.at >= f.at - everysecWindowMs &&
          first.at <= f.at,
      );
      (lossy ? expectedLoss : lost).push(key);
    }
    for (const ok of oks) {
      longestAnswerMs = Math.max(longestAnswerMs, ok.at - ok.sentAt);
      if (redisDown.some((f) => ok.at > f.at + inFlightMarginMs && ok.at < f.until)) {
        outage.answered++;
        if (missing) outage.falseTwoXx++;
      } else if (redisDown.some((f) => ok.sentAt < f.until && ok.at >= f.until && ok.sentAt > f.at - 1000)) {
        outage.waited++;
      }
    }
    const last = deliveries.at(-1);
    if (last && !inRedis.has(key)) {
      const acks = deliveries.flatMap((d) => h.acks.get(ackKey(d.id, d.token)) ?? []);
      const lastAcks = h.acks.get(ackKey(last.id, last.token)) ?? [];
      const maybeLanded =
        lastAcks.some((ack) => ack.result === "error" || ack.result === "not_found") ||
        (lastAcks.length === 0 &&
          h.faults.some(
            (f) =>
              f.kind === "kill" && f.at >= last.at && [last.consumer, "presque", "redis"].includes(f.target),
          ));
      if (!acks.some((ack) => ack.result === "acked") && !maybeLanded) vanished.push(key);
    }
  }

  const classified = classifyRedeliveries(h, fsync);
  const redeliveries: Record<Cause, number> = {
    crash: 0,
    release: 0,
    "expired lease": 0,
    everysec: 0,
    unexplained: 0,
  };
  for (const r of classified) redeliveries[r.cause]++;
  const unexplained = classified.filter((r) => r.cause === "unexplained");

  let unexpected = 0;
  let unconfirmed = 0;
  for (const key of h.deliveries.keys()) {
    if (!h.sent.has(key)) unexpected++;
    else if (!h.ok.has(key)) unconfirmed++;
  }
  const { keys: _keys, ...stuck } = final;
  const queued = stuck.ready + stuck.delayed + stuck.leased;
  const deliveries = [...h.deliveries.values()].reduce((sum, list) => sum + list.length, 0);

  const failures: string[] = [];
  if (lost.length > 0)
    failures.push(`${lost.length} acknowledged enqueues lost (${lost.slice(0, 5).join(", ")})`);
  if (vanished.length > 0) failures.push(`${vanished.length} jobs gone after delivery without an ack`);
  if (unexplained.length > 0) {
    const examples = unexplained.slice(0, 3).map((r) => `${r.key}: ${r.why}`);
    failures.push(`${unexplained.length} unexplained duplicates (${examples.join("; ")})`);
  }
  if (outage.falseTwoXx > 0) failures.push(`${outage.falseTwoXx} false 2xx while Redis was unreachable`);
  if (unexpected > 0) failures.push(`${unexpected} unexpected deliveries`);
  if (queued > 0) failures.push(`${queued} jobs stuck in Redis after the drain`);
  if (h.ok.size === 0) failures.push("no enqueue was answered 2xx: the run tested nothing");

  return {
    enqueued: h.ok.size,
    retried: h.attempts - h.sent.size,
    gaveUp: h.gaveUp,
    retryReasons: Object.fromEntries(h.retries),
    deliveries,
    deliveredJobs: h.deliveries.size,
    lost,
    expectedLoss,
    vanished,
    redeliveries,
    unexplained,
    unexpected,
    unconfirmed,
    stuck,
    outage,
    longestAnswerMs,
    failures,
  };
}
