import { Code, ConnectError } from "@connectrpc/connect";
import { AckResult } from "../../gen/presque/v1/consumer_service_pb.ts";
import type { PresqueClient } from "./client.ts";
import { withConnectionRetry } from "./connection-retry.ts";

/** Below the server's default batch limit (1000). */
const maxBatch = 500;

export interface LeaseRef {
  queue: string;
  id: string;
  leaseToken: string;
}

/**
 * An ack's answer. `retried`: the call was sent again after a broken connection, so a
 * not_found or stale_lease answer most likely means the first try did reach presque and acked
 * the job (an ack is idempotent per lease token: a repeat never finishes anything twice).
 */
export interface AckReply {
  result: AckResult;
  retried: boolean;
}

/**
 * Acks in batches without a timer: an ack waits for the end of the current turn of the event
 * loop (setImmediate, which adds no latency), so the jobs of one read of the stream, which finish
 * together, are acked in one call; while that call is on the wire, new acks wait, and all of them
 * go in the next call. Resolves each ack with its own result. A call that fails with a broken
 * connection (a keep-alive socket the server closed) is sent again, up to `retries` times.
 */
export function createAckBatcher(client: PresqueClient, retries: number) {
  const waiting: { ref: LeaseRef; settle: (reply: AckReply) => void; fail: (error: unknown) => void }[] = [];
  let sending: Promise<void> | undefined;
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

  const sendAll = async (batch: typeof waiting): Promise<AckResult[]> => {
    if (batchUnsupported) return Promise.all(batch.map((item) => sendOne(item.ref)));
    try {
      return (await client.consumer.ackBatch({ items: batch.map((item) => item.ref) })).results;
    } catch (error) {
      if (ConnectError.from(error).code !== Code.Unimplemented) throw error;
      batchUnsupported = true; // an older presque: ack one by one
      return Promise.all(batch.map((item) => sendOne(item.ref)));
    }
  };

  const sendBatch = async (batch: typeof waiting): Promise<void> => {
    let retried = false;
    try {
      const results = await withConnectionRetry(
        retries,
        () => sendAll(batch),
        () => {
          retried = true;
        },
      );
      batch.forEach((item, i) => {
        item.settle({ result: results[i] ?? AckResult.UNSPECIFIED, retried });
      });
    } catch (error) {
      for (const item of batch) item.fail(error);
    }
  };

  const pump = () => {
    scheduled = false;
    if (sending || waiting.length === 0) return;
    const batch = waiting.splice(0, maxBatch);
    sending = sendBatch(batch).finally(() => {
      sending = undefined;
      pump();
    });
  };

  return {
    ack(ref: LeaseRef): Promise<AckReply> {
      return new Promise((settle, fail) => {
        waiting.push({ ref, settle, fail });
        if (sending || scheduled) return; // the call on the wire sends it when it returns
        scheduled = true;
        setImmediate(pump);
      });
    },
  };
}
