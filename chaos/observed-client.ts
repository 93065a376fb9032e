import { toJson } from "@bufbuild/protobuf";
import { timestampMs, ValueSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import {
  type AckBatchRequest,
  type AckBatchResponse,
  AckResult,
  ConsumerService,
  type SubscribeResponse,
} from "../gen/presque/v1/consumer_service_pb.ts";
import { ControlService } from "../gen/presque/v1/control_service_pb.ts";
import type { Job } from "../gen/presque/v1/job_pb.ts";
import { type AckRequest, type FetchResponse, QueueService } from "../gen/presque/v1/queue_service_pb.ts";
import { StatsService } from "../gen/presque/v1/stats_service_pb.ts";
import type { LeaseRef } from "../src/sdk/ack-batcher.ts";
import type { PresqueClient } from "../src/sdk/client.ts";
import type { ConsumerLine, LineLog } from "./log-lines.ts";

type AckOutcome = Extract<ConsumerLine, { ev: "ack" }>["result"];

const ackResults: Record<number, AckOutcome> = {
  [AckResult.ACKED]: "acked",
  [AckResult.STALE_LEASE]: "stale",
  [AckResult.NOT_FOUND]: "not_found",
};

/**
 * A PresqueClient for the SDK Worker that logs what crosses the wire, without changing the
 * Worker: every job the server hands out (Subscribe events, Fetch answers) and every ack's answer.
 */
export function observedClient(
  baseUrl: string,
  consumer: string,
  leaseMs: number,
  log: LineLog,
): PresqueClient {
  const delivered = (job: Job) => {
    // with payload_json_only (the SDK Worker asks for it) a job carries only its stored text
    const payload = (
      job.payload ? toJson(ValueSchema, job.payload) : job.payloadJson ? JSON.parse(job.payloadJson) : null
    ) as { key?: unknown } | null;
    log.write({
      ev: "delivery",
      consumer,
      id: job.id,
      key: typeof payload?.key === "string" ? payload.key : "",
      token: job.leaseToken,
      attempt: job.attempt,
      deadline: job.leaseDeadline ? timestampMs(job.leaseDeadline) : 0,
      leaseMs,
      at: Date.now(),
    });
  };
  const acked = (refs: LeaseRef[], results: AckOutcome[], sentAt: number) => {
    refs.forEach((ref, i) => {
      const result = results[i] ?? "error";
      log.write({ ev: "ack", consumer, id: ref.id, token: ref.leaseToken, result, sentAt, at: Date.now() });
    });
  };

  const observe: Interceptor = (next) => async (req) => {
    const name = req.method.name;
    if (name === "Subscribe") {
      const res = await next(req);
      if (!res.stream) return res;
      const events = res.message as AsyncIterable<SubscribeResponse>;
      async function* tap() {
        for await (const event of events) {
          if (event.event.case === "job") delivered(event.event.value);
          else if (event.event.case === "jobs") for (const job of event.event.value.jobs) delivered(job);
          yield event;
        }
      }
      return { ...res, message: tap() } as typeof res;
    }
    if (name !== "Ack" && name !== "AckBatch" && name !== "Fetch") return next(req);
    if (req.stream) return next(req);
    const refs: LeaseRef[] =
      name === "AckBatch" ? (req.message as AckBatchRequest).items : [req.message as AckRequest];
    const sentAt = Date.now();
    try {
      const res = await next(req);
      if (res.stream) return res;
      if (name === "Fetch") for (const job of (res.message as FetchResponse).jobs) delivered(job);
      else if (name === "Ack") acked(refs, ["acked"], sentAt);
      else
        acked(
          refs,
          (res.message as AckBatchResponse).results.map((r) => ackResults[r] ?? "error"),
          sentAt,
        );
      return res;
    } catch (error) {
      if (name === "Ack") {
        const code = ConnectError.from(error).code;
        const result =
          code === Code.NotFound ? "not_found" : code === Code.FailedPrecondition ? "stale" : "error";
        acked(refs, [result], sentAt);
      } else if (name === "AckBatch") {
        acked(refs, [], sentAt);
      }
      throw error;
    }
  };

  const transport = createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors: [observe] });
  return {
    queue: createClient(QueueService, transport),
    control: createClient(ControlService, transport),
    stats: createClient(StatsService, transport),
    consumer: createClient(ConsumerService, transport),
    close: () => {},
  };
}
