import { setTimeout as sleep } from "node:timers/promises";
import { fromJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { createPresqueClient } from "../src/sdk/client.ts";
import { openLineLog } from "./log-lines.ts";

/** One producer child process: what it sends, where, how fast, and how long it keeps retrying. */
export interface ProducerOptions {
  name: string;
  /** REST POST /q/ one job a request, REST POST /qb/ batches, or the SDK's Connect Enqueue. */
  mode: "rest" | "batch" | "sdk";
  url: string;
  queue: string;
  log: string;
  /** Bounds: stop after this many jobs or this long, whichever comes first. */
  maxJobs: number;
  durationMs: number;
  /** Pause between requests. */
  intervalMs: number;
  /** Jobs per request (batch mode only). */
  batchSize: number;
  /** One attempt's deadline: longer than a 10 s Redis stall, so waiting is seen, not hidden. */
  attemptTimeoutMs: number;
  /** How long one request is retried (same Idempotency-Key) before it is logged as failed. */
  giveUpMs: number;
}

/** `reason` of a retry: the HTTP status, the Connect code, or "no answer" (network error, timeout). */
type Outcome = { ids: string[]; status: number } | { retry: string; reason: string } | { refused: string };

/**
 * Enqueues jobs with unique payload keys. Every request carries its own Idempotency-Key and is
 * retried with it on a network error, a timeout or a 5xx, as a careful producer does: the write
 * may have happened, and the retry then answers the first request's ids without adding a job.
 */
export async function runProducer(options: ProducerOptions): Promise<void> {
  const log = openLineLog(options.log);
  const send = sender(options);
  const endAt = Date.now() + options.durationMs;
  let seq = 0;
  for (let request = 1; seq < options.maxJobs && Date.now() < endAt; request++) {
    const size = options.mode === "batch" ? Math.min(options.batchSize, options.maxJobs - seq) : 1;
    const keys = Array.from({ length: size }, () => `${options.name}-${++seq}`);
    const idempotencyKey = `${options.name}-r${request}`;
    const firstSentAt = Date.now();
    let final: Outcome | undefined;
    for (let backoffMs = 100; final === undefined; backoffMs = Math.min(backoffMs * 2, 1000)) {
      const sentAt = Date.now();
      for (const key of keys) log.write({ ev: "sent", producer: options.name, key, at: sentAt });
      const outcome = await send(keys, idempotencyKey);
      const at = Date.now();
      if ("ids" in outcome) {
        keys.forEach((key, i) => {
          const id = outcome.ids[i] ?? "?";
          log.write({ ev: "ok", producer: options.name, key, id, status: outcome.status, sentAt, at });
        });
        final = outcome;
      } else if ("refused" in outcome || at - firstSentAt >= options.giveUpMs) {
        const error = "refused" in outcome ? outcome.refused : `gave up: ${outcome.retry}`;
        for (const key of keys) log.write({ ev: "failed", producer: options.name, key, error, at });
        final = outcome;
      } else {
        log.write({
          ev: "retry",
          producer: options.name,
          key: keys[0] as string,
          reason: outcome.reason,
          at,
        });
        await sleep(backoffMs);
      }
    }
    await sleep(options.intervalMs);
  }
  log.close();
}

/** The same bytes on every retry: a different body under the same Idempotency-Key is refused (422). */
const payloadOf = (key: string) => ({ key, to: "chaos@example.com" });

function sender(options: ProducerOptions): (keys: string[], idem: string) => Promise<Outcome> {
  const signal = () => AbortSignal.timeout(options.attemptTimeoutMs);
  if (options.mode === "sdk") {
    const client = createPresqueClient({ baseUrl: options.url });
    return async ([key], idempotencyKey) => {
      try {
        const response = await client.queue.enqueue(
          {
            queue: options.queue,
            payload: fromJson(ValueSchema, payloadOf(key as string)),
            options: { idempotencyKey },
          },
          { signal: signal() },
        );
        return { ids: [response.id], status: response.duplicate ? 200 : 201 };
      } catch (error) {
        const failure = ConnectError.from(error);
        const clientFault = [Code.InvalidArgument, Code.AlreadyExists, Code.FailedPrecondition];
        if (clientFault.includes(failure.code)) return { refused: failure.message };
        const reason =
          failure.code === Code.Unknown || failure.code === Code.Canceled ? "no answer" : Code[failure.code];
        return { retry: `${Code[failure.code]}: ${failure.message}`, reason: `rpc ${reason}` };
      }
    };
  }
  const path = options.mode === "batch" ? "qb" : "q";
  return async (keys, idempotencyKey) => {
    const body = options.mode === "batch" ? { jobs: keys.map(payloadOf) } : payloadOf(keys[0] as string);
    try {
      const response = await fetch(`${options.url}/${path}/${options.queue}`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": idempotencyKey },
        body: JSON.stringify(body),
        signal: signal(),
      });
      const text = await response.text();
      if (response.ok) {
        const json = JSON.parse(text) as { id?: string; ids?: string[] };
        return { ids: json.ids ?? [json.id ?? "?"], status: response.status };
      }
      if (response.status >= 500 || response.status === 429 || response.status === 408) {
        return { retry: `${response.status} ${text.slice(0, 200)}`, reason: String(response.status) };
      }
      return { refused: `${response.status} ${text.slice(0, 200)}` };
    } catch (error) {
      return { retry: (error as Error).message, reason: "no answer" };
    }
  };
}
