import { Code, ConnectError } from "@connectrpc/connect";
import { AckResult } from "../../gen/presque/v1/consumer_service_pb.ts";
import type { PresqueClient } from "./client.ts";
import { withConnectionRetry } from "./connection-retry.ts";

/** Below the server's default batch limit (1000). */
const maxBatch = 500;
/**
 * AckBatch calls on the wire at once: a second call takes the acks of the next stream message
 * while the first one's jobs are acked in Redis, so credit comes back sooner.
 */
const maxInFlight = 2;

export interface LeaseRef {
  queue: string;
  id: string;
  leaseToken: string;
}

/**
 * An ack's answer. `retried`: the call was sent again after a broken connection, so a
 * not_found or stale_lease answer most likely means the first try did reach presque and acked
 * the job (an ack is idempotent per lease token: a repeat never finishes anything twice).
 * `error`: the call failed for good (result UNSPECIFIED then).
 */
export interface AckReply {
  result: AckResult;
  retried: boolean;
  error?: unknown;
}

/** Something to ack: its lease, and where its answer goes. */
export interface Ackable {
  readonly ref: LeaseRef;
}

/**
 * Acks in batches without a timer: an ack waits for the end of the current turn of the event
 * loop (setImmediate, which adds no latency), so the jobs of one read of the stream, which finish
 * together, are acked in one call; while maxInFlight calls are on the wire, new acks wait, and all
 * of them go in the next call. Each item's answer goes to `answer` (one function for the whole worker: no
 * promise or closure per ack). A call that fails with a broken connection (a keep-alive socket
 * the server closed) is sent again, up to `retries` times.
 */
export function createAckBatcher<Item extends Ackable>(
  client: PresqueClient,
  retries: number,
  answer: (item: Item, reply: AckReply) => void,
) {
  let waiting: Item[] = [];
  let sending = 0;
  let scheduled = false;
  let batchUnsupported = false;

  const sendOne = async (ref: LeaseRef): Promise<AckResult> => {
    try {
      await client.queue.ack(ref);
      return AckResult.ACKED;
    } catch (error) {
      const code = ConnectError.from(error).code;
      if (code === Code.NotFound) return AckResult.NOT_FOUND;
      if (code === Code.FailedPrecondition) return AckResult.STALE_LEASE;
      throw error;
    }
  };

  const sendAll = async (refs: LeaseRef[]): Promise<AckResult[]> => {
    if (batchUnsupported) return Promise.all(refs.map(sendOne));
    try {
      return (await client.consumer.ackBatch({ items: refs })).results;
    } catch (error) {
      if (ConnectError.from(error).code !== Code.Unimplemented) throw error;
      batchUnsupported = true; // an older presque: ack one by one
      return Promise.all(refs.map(sendOne));
    }
  };

  const sendBatch = async (batch: Item[]): Promise<void> => {
    let retried = false;
    const refs = batch.map((item) => item.ref);
    try {
      const results = await withConnectionRetry(
        retries,
        () => sendAll(refs),
        () => {
          retried = true;
        },
      );
      for (let i = 0; i < batch.length; i++) {
        answer(batch[i] as Item, { result: results[i] ?? AckResult.UNSPECIFIED, retried });
      }
    } catch (error) {
      for (const item of batch) answer(item, { result: AckResult.UNSPECIFIED, retried, error });
    }
  };

  const pump = () => {
    scheduled = false;
    if (sending >= maxInFlight || waiting.length === 0) return;
    let batch = waiting;
    if (batch.length > maxBatch) {
      batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(maxBatch);
    } else waiting = [];
    sending++;
    void sendBatch(batch).finally(() => {
      sending--;
      pump();
    });
  };

  return {
    /** Sends the ack with the others of this turn; the answer goes to `answer`. */
    ack(item: Item): void {
      waiting.push(item);
      if (sending >= maxInFlight || scheduled) return; // a call on the wire sends it when it returns
      scheduled = true;
      setImmediate(pump);
    },
  };
}
