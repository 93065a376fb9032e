import type { ConsumerLine, FaultLine, LogLine, ProducerLine } from "./log-lines.ts";

export type Delivery = Extract<ConsumerLine, { ev: "delivery" }>;
export type Ack = Extract<ConsumerLine, { ev: "ack" }>;
export type Ok = Extract<ProducerLine, { ev: "ok" }>;

/** Every log of a run, indexed the way the checker asks its questions. */
export interface Histories {
  /** Payload key → when it was first sent. */
  sent: Map<string, number>;
  /** Jobs sent, each retry counted again. */
  attempts: number;
  gaveUp: number;
  /** Why requests were tried again: "503", "rpc Unavailable", "no answer", ... → how often. */
  retries: Map<string, number>;
  /** Payload key → its 2xx answers (more than one: retries answered by idempotency replays). */
  ok: Map<string, Ok[]>;
  /** Payload key → its deliveries in the server's order; one per (id, lease token). */
  deliveries: Map<string, Delivery[]>;
  /** `${id}/${token}` → the answers to acks of that delivery. */
  acks: Map<string, Ack[]>;
  faults: FaultLine[];
}

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

export const ackKey = (id: string, token: string) => `${id}/${token}`;

export function indexLines(lines: LogLine[]): Histories {
  const h: Histories = {
    sent: new Map(),
    attempts: 0,
    gaveUp: 0,
    retries: new Map(),
    ok: new Map(),
    deliveries: new Map(),
    acks: new Map(),
    faults: [],
  };
  const seenDeliveries = new Set<string>();
  for (const line of lines) {
    switch (line.ev) {
      case "sent":
        h.attempts++;
        if (!h.sent.has(line.key)) h.sent.set(line.key, line.at);
        break;
      case "ok":
        push(h.ok, line.key, line);
        break;
      case "retry":
        h.retries.set(line.reason, (h.retries.get(line.reason) ?? 0) + 1);
        break;
      case "failed":
        h.gaveUp++;
        break;
      case "delivery": {
        const id = ackKey(line.id, line.token);
        if (seenDeliveries.has(id)) break;
        seenDeliveries.add(id);
        push(h.deliveries, line.key, line);
        break;
      }
      case "ack":
        push(h.acks, ackKey(line.id, line.token), line);
        break;
      case "fault":
        h.faults.push(line);
        break;
    }
  }
  for (const list of h.deliveries.values()) list.sort(serverOrder);
  return h;
}

/**
 * Lease tokens count leases per queue, so they order deliveries as the server made them. Log times
 * do not: a consumer frozen by SIGSTOP logs what it was sent only once it runs again.
 */
function serverOrder(a: Delivery, b: Delivery): number {
  if (/^\d+$/.test(a.token) && /^\d+$/.test(b.token)) {
    const diff = BigInt(a.token) - BigInt(b.token);
    if (diff !== 0n) return diff < 0n ? -1 : 1;
  }
  return a.at - b.at;
}
