import { ackKey, type Delivery, type Histories } from "./job-histories.ts";
import type { FaultLine } from "./log-lines.ts";
import type { Fsync } from "./redis-process.ts";

/** Why a job was delivered again. The last is a failure; "everysec" is expected only without fsync always. */
export type Cause = "crash" | "release" | "expired lease" | "everysec" | "unexplained";

export interface Redelivery {
  key: string;
  id: string;
  cause: Cause;
  /** For "unexplained": what was wrong. */
  why?: string;
}

/** Writes acknowledged within this long before a Redis kill -9 may be lost with appendfsync everysec. */
export const everysecWindowMs = 2000;
/** Lease deadlines come from the Redis clock, log times from Date.now(): one machine, a little slack. */
const clockSlackMs = 50;

const during = (f: FaultLine, from: number, to: number) => f.at >= from && f.at <= to;

/**
 * Explains each delivery after a job's first from what happened to the one before it:
 *  - crash: that delivery's consumer, presque or Redis was killed before it was acked;
 *  - release: the attempt was given back (a consumer's stream closed with the job unstarted);
 *  - expired lease: its consumer (or Redis) was frozen while the lease ran, or its ack came too
 *    late (stale) or failed;
 *  - everysec: none of these, but Redis was killed (appendfsync everysec) between them, so its
 *    last writes (an ack, a lease) may be gone.
 * Unexplained: an accepted ack followed by a redelivery, a redelivery before the lease ended,
 * an accepted ack from a lease already handed on, an ack refused before its lease ended (unless
 * Redis was down meanwhile), or one payload enqueued under two ids.
 */
export function classifyRedeliveries(h: Histories, fsync: Fsync): Redelivery[] {
  const out: Redelivery[] = [];
  const redisTrouble = h.faults.filter((f) => f.target === "redis");
  const redisKills = redisTrouble.filter((f) => f.kind === "kill");
  const lossyKill = (from: number, to: number) =>
    fsync === "everysec" && redisKills.some((f) => during(f, from, to + 1));
  for (const [key, deliveries] of h.deliveries) {
    const ids = new Set(deliveries.map((d) => d.id));
    if (ids.size > 1 && !lossyKill(deliveries[0]?.at ?? 0, deliveries.at(-1)?.at ?? 0)) {
      out.push({
        key,
        id: [...ids].join(","),
        cause: "unexplained",
        why: "one payload enqueued under two ids",
      });
    }
    for (let i = 1; i < deliveries.length; i++) {
      const prev = deliveries[i - 1] as Delivery;
      const next = deliveries[i] as Delivery;
      if (next.id !== prev.id) continue;
      const found = explain(h, prev, next);
      // Only what nothing else explains is put down to writes the everysec AOF may have lost.
      const cause =
        found.cause === "unexplained" && lossyKill(prev.at, next.at) ? { cause: "everysec" as const } : found;
      out.push({ key, id: next.id, ...cause });
    }
    out.push(...fencingViolations(h, key, deliveries, lossyKill, redisTrouble));
  }
  return out;
}

function explain(h: Histories, prev: Delivery, next: Delivery): { cause: Cause; why?: string } {
  const acks = h.acks.get(ackKey(prev.id, prev.token)) ?? [];
  const accepted = acks.find((ack) => ack.result === "acked");
  if (accepted) return { cause: "unexplained", why: `acked (lease ${prev.token}), then delivered again` };
  if (next.attempt > prev.attempt && next.at < prev.deadline - clockSlackMs) {
    return {
      cause: "unexplained",
      why: `delivered again ${prev.deadline - next.at} ms before its lease ended`,
    };
  }
  const killed = h.faults.some(
    (f) =>
      f.kind === "kill" &&
      (f.target === prev.consumer || f.target === "presque" || f.target === "redis") &&
      during(f, prev.at, next.at),
  );
  if (killed) return { cause: "crash" };
  if (next.attempt <= prev.attempt) return { cause: "release" };
  const frozen = h.faults.some(
    (f) =>
      f.kind === "stop" &&
      (f.target === prev.consumer || f.target === "redis") &&
      f.at <= prev.deadline &&
      f.until >= prev.deadline - prev.leaseMs,
  );
  if (frozen || acks.some((ack) => ack.result !== "acked")) return { cause: "expired lease" };
  return {
    cause: "unexplained",
    why: "its lease expired although its consumer was neither frozen nor refused",
  };
}

/** Tokens must fence: no ack accepted from a lease already handed on, none refused while it ran. */
function fencingViolations(
  h: Histories,
  key: string,
  deliveries: Delivery[],
  lossyKill: (from: number, to: number) => boolean,
  redisTrouble: FaultLine[],
): Redelivery[] {
  const out: Redelivery[] = [];
  const unexplained = (d: Delivery, why: string) => out.push({ key, id: d.id, cause: "unexplained", why });
  for (const d of deliveries) {
    const acks = h.acks.get(ackKey(d.id, d.token)) ?? [];
    const late = acks.find(
      (ack) =>
        ack.result === "acked" &&
        deliveries.some((other) => other.id === d.id && other.attempt > d.attempt && other.at < ack.sentAt),
    );
    if (late && !lossyKill(d.at, late.at))
      unexplained(d, `ack of lease ${d.token} accepted after a redelivery`);
    const early = acks.find(
      (ack) =>
        (ack.result === "stale" || ack.result === "not_found") &&
        ack.at < d.deadline - clockSlackMs &&
        !redisTrouble.some((f) => f.at <= ack.at && f.until >= ack.sentAt),
    );
    if (early)
      unexplained(d, `ack refused (${early.result}) ${d.deadline - early.at} ms before its lease ended`);
  }
  return out;
}
