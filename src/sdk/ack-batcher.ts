import { Code, ConnectError } from "@connectrpc/connect";
import { AckResult } from "../../gen/presque/v1/consumer_service_pb.ts";
import type { PresqueClient } from "./client.ts";

/** Below the server's default batch limit (1000). */
const maxBatch = 500;

export interface LeaseRef {
  queue: string;
  id: string;
  leaseToken: string;
}

/**
 * Acks in batches without a timer: while one AckBatch call is on the wire, new acks wait, and
 * all of them go in the next call. Under load that makes big batches; when idle, each ack goes
 * out at once. Resolves each ack with its own result.
 */
export function createAckBatcher(client: PresqueClient) {
  const waiting: { ref: LeaseRef; settle: (result: AckResult) => void; fail: (error: unknown) => void }[] =
    [];
  let sending: Promise<void> | undefined;
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

  const sendBatch = async (batch: typeof waiting): Promise<void> => {
    try {
      let results: AckResult[];
      if (batchUnsupported) {
        results = await Promise.all(batch.map((item) => sendOne(item.ref)));
      } else {
        try {
          results = (await client.consumer.ackBatch({ items: batch.map((item) => item.ref) })).results;
        } catch (error) {
          if (ConnectError.from(error).code !== Code.Unimplemented) throw error;
          batchUnsupported = true; // an older presque: ack one by one
          results = await Promise.all(batch.map((item) => sendOne(item.ref)));
        }
      }
      batch.forEach((item, i) => {
        item.settle(results[i] ?? AckResult.UNSPECIFIED);
      });
    } catch (error) {
      for (const item of batch) item.fail(error);
    }
  };

  const pump = () => {
    if (sending || waiting.length === 0) return;
    const batch = waiting.splice(0, maxBatch);
    sending = sendBatch(batch).finally(() => {
      sending = undefined;
      pump();
    });
  };

  return {
    ack(ref: LeaseRef): Promise<AckResult> {
      return new Promise((settle, fail) => {
        waiting.push({ ref, settle, fail });
        pump();
      });
    },
  };
}
