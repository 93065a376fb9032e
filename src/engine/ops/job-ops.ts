import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { PresqueError } from "../../errors/presque-error.ts";
import type {
  AckOutcome,
  EnqueueOptions,
  EnqueueResult,
  FetchOptions,
  FetchResult,
  JobView,
  LeaseRef,
  NackOptions,
  NackResult,
} from "../model/job.ts";
import type { EnqueueReply, EnqueueScriptOptions, SingleEnqueue } from "../store/job-store.ts";
import { createGroupCommit } from "./group-commit.ts";
import { jobNotFound, leaseRefused, type OpsDeps } from "./ops-deps.ts";
import type { Settlements } from "./settlements.ts";
import { readyNow, singleEnqueueCommit } from "./single-enqueue-commit.ts";

/** A job's life: enqueue, fetch (with long poll), ack, nack, extend, promote, look up. */
export interface JobOps {
  /**
   * Adds jobs atomically; refuses with already_exists (unique key) or queue_full. A single job is
   * group-committed with the other single jobs of its queue arriving in the same turn.
   */
  enqueue(queue: string, payloads: string[], options?: EnqueueOptions): Promise<EnqueueResult>;
  fetch(queue: string, options: FetchOptions): Promise<FetchResult>;
  /**
   * Resolves with the time from enqueue to this ack (Redis clock), for latency metrics.
   * Group-committed with the other acks of its queue arriving in the same turn.
   */
  ack(queue: string, id: string, leaseToken: string): Promise<{ latencyMs: number }>;
  /**
   * Acks many jobs (of any queues) with one script call per queue. Each item gets its own result,
   * so one stale token does not fail the others.
   */
  ackMany(items: LeaseRef[]): Promise<AckOutcome[]>;
  nack(queue: string, id: string, leaseToken: string, options?: NackOptions): Promise<NackResult>;
  extendLease(queue: string, id: string, leaseToken: string, leaseMs: number | "default"): Promise<JobView>;
  getJob(queue: string, id: string): Promise<JobView>;
  /** A delayed job becomes ready now; failed_precondition when it is not delayed. */
  promote(queue: string, id: string): Promise<void>;
}

const maxTextLength = 4096;
const ignore = () => undefined;

export function createJobOps(deps: OpsDeps & { settlements: Settlements }): JobOps {
  const { store, validate, settlements } = deps;
  const { wake } = store;
  const { maxBatchSize, maxBodyBytes } = validate.limits;
  // One script call per queue and turn for single enqueues and acks, each answered on its own.
  const singleEnqueues = createGroupCommit<SingleEnqueue, EnqueueReply>({
    commit: singleEnqueueCommit(store),
    maxItems: maxBatchSize,
    maxBytes: maxBodyBytes,
    sizeOf: (job) => job.payload.length,
  });
  const singleAcks = createGroupCommit<LeaseRef, AckOutcome>({
    commit: (queue, items) => store.jobs.ackMany(queue, items),
    maxItems: maxBatchSize,
    maxBytes: maxBodyBytes,
    sizeOf: (item) => item.id.length + item.leaseToken.length,
  });

  const checkText = (text: string | undefined, what: string) => {
    if (text !== undefined && text.length > maxTextLength) {
      throw new PresqueError("invalid_argument", `${what} is longer than ${maxTextLength} characters`);
    }
    return text;
  };

  const checkLease = (queue: string, id: string, leaseToken: string) => {
    validate.queueName(queue);
    validate.jobId(id);
    validate.leaseToken(leaseToken);
  };

  // Most enqueues give no option: they share one checked object instead of a new one each.
  const defaultScriptOptions: EnqueueScriptOptions = Object.freeze({
    priority: 0,
    delayMs: 0,
    runAtMs: undefined,
    maxAttempts: undefined,
    expiresAtMs: undefined,
    unique: undefined,
    traceparent: undefined,
    idempotencyKey: undefined,
    idempotencyMs: deps.idempotencyWindowMs,
    requeue: undefined,
  });
  const isDefault = (options: EnqueueOptions) =>
    (options.priority ?? 0) === 0 &&
    (options.delayMs ?? 0) === 0 &&
    options.runAtMs === undefined &&
    options.maxAttempts === undefined &&
    options.expiresAtMs === undefined &&
    options.unique === undefined &&
    options.traceparent === undefined &&
    options.idempotencyKey === undefined &&
    options.requeue !== true;

  const scriptOptionsOf = (payloads: string[], options: EnqueueOptions): EnqueueScriptOptions => {
    if (isDefault(options)) return defaultScriptOptions;
    const checked: EnqueueScriptOptions = {
      priority: validate.priority(options.priority ?? 0),
      delayMs: validate.delayMs(options.delayMs ?? 0),
      runAtMs: options.runAtMs === undefined ? undefined : validate.timestamp(options.runAtMs, "run_at"),
      maxAttempts: options.maxAttempts === undefined ? undefined : validate.maxAttempts(options.maxAttempts),
      expiresAtMs:
        options.expiresAtMs === undefined ? undefined : validate.timestamp(options.expiresAtMs, "expires_at"),
      unique: validate.optionalKey(options.unique, "unique key"),
      traceparent: validate.traceparent(options.traceparent),
      idempotencyKey: validate.optionalKey(options.idempotencyKey, "idempotency key"),
      idempotencyMs: deps.idempotencyWindowMs,
      requeue: options.requeue === true || undefined,
    };
    if (checked.idempotencyKey !== undefined) {
      // what makes two requests "the same": the payloads and every option but the key itself
      const { idempotencyKey: _key, idempotencyMs: _window, ...request } = checked;
      // Each payload length-prefixed, hashed as it is: JSON.stringify of the payloads would
      // escape every quote of every one of them, a copy of the whole batch.
      const hash = createHash("sha256").update(JSON.stringify(request));
      for (const payload of payloads) hash.update(`\n${payload.length}\n`).update(payload);
      checked.idempotencyDigest = hash.digest("base64");
    }
    return checked;
  };

  const ops: JobOps = {
    async enqueue(queue, payloads, options = {}) {
      validate.queueName(queue);
      validate.batchSize(payloads.length, "number of jobs");
      if (options.unique !== undefined && payloads.length > 1) {
        throw new PresqueError("invalid_argument", "a unique key applies to one job, not to a batch");
      }
      const scriptOptions = scriptOptionsOf(payloads, options);
      const [payload] = payloads;
      if (payloads.length > 1) singleEnqueues.flush(queue); // singles before it keep their ids first
      const sentAt = performance.now();
      // The registry is best effort: the next enqueue adds the name again. Failing the request
      // here would make a client retry an enqueue that did happen.
      const registered = store.registry.ensure(queue)?.catch(ignore);
      const reply = await (payloads.length === 1 && payload !== undefined
        ? singleEnqueues.submit(queue, { options: scriptOptions, payload })
        : store.jobs.enqueue(queue, scriptOptions, payloads).then((batch) => {
            if (batch.code === "ok" && readyNow(scriptOptions)) wake.passOn(queue);
            return batch;
          }));
      if (registered !== undefined) await registered;
      if (reply.code === "ok" && !readyNow(scriptOptions)) {
        wake.expectDue(queue, { runAtMs: scriptOptions.runAtMs, delayMs: scriptOptions.delayMs, sentAt });
      }
      switch (reply.code) {
        case "ok":
        case "duplicate":
          return { ids: reply.ids, duplicate: reply.code === "duplicate" };
        case "unique_held":
          throw new PresqueError(
            "already_exists",
            `job already exists: job ${reply.holder} holds unique key ${options.unique}`,
          );
        case "mismatch":
          throw new PresqueError(
            "idempotency_mismatch",
            `idempotency key ${options.idempotencyKey} was used for a different request; use a new key`,
          );
        case "expired":
          throw new PresqueError("invalid_argument", "expires_at is already past");
        case "full":
          throw new PresqueError(
            "queue_full",
            `queue ${queue} is full (${reply.waiting} waiting jobs); retry later`,
          );
      }
    },

    async fetch(queue, options) {
      validate.queueName(queue);
      const count = validate.batchSize(options.count ?? 1, "batch size");
      const leaseMs =
        options.leaseMs === "default" ? -1 : options.leaseMs === 0 ? 0 : validate.leaseMs(options.leaseMs);
      const waitMs = validate.waitMs(options.waitMs ?? 0);
      if (waitMs === 0) return store.jobs.fetch(queue, count, leaseMs);
      const deadline = Date.now() + waitMs;
      // true while this call owns a wake (see WakeHub): its next fetch decides whether to pass it on
      let woken = false;
      for (;;) {
        // A client gone (or a shutdown) must not take a job it can no longer receive.
        if (options.signal?.aborted) {
          if (woken) wake.passOn(queue);
          return { jobs: [], stopped: false };
        }
        // at-most-once jobs are not handed off: a consumer gone meanwhile could not give them back
        const waiter = wake.register(queue, leaseMs === 0 ? undefined : { count, leaseMs });
        try {
          const result = await store.jobs.fetch(queue, count, leaseMs).catch((error: unknown) => {
            if (woken) wake.passOn(queue);
            throw error;
          });
          if (woken && result.jobs.length > 0) wake.passOn(queue);
          const remaining = deadline - Date.now();
          if (result.jobs.length > 0 || remaining <= 0) return result;
          woken = (await waiter.wait(remaining, options.signal)) === "woken";
          const handed = waiter.handed();
          if (handed !== undefined) {
            wake.passOn(queue); // it took jobs: more may be ready
            return handed;
          }
        } finally {
          waiter.cancel();
        }
      }
    },

    async ack(queue, id, leaseToken) {
      checkLease(queue, id, leaseToken);
      const outcome = await singleAcks.submit(queue, { queue, id, leaseToken });
      if (outcome.status !== "acked") throw leaseRefused({ code: outcome.status }, queue, id);
      settlements.report({ queue, id, ackLatencyMs: outcome.latencyMs });
      return { latencyMs: outcome.latencyMs };
    },

    async ackMany(items) {
      validate.batchSize(items.length, "number of acks");
      const byQueue = new Map<string, number[]>();
      items.forEach((item, i) => {
        checkLease(item.queue, item.id, item.leaseToken);
        const indexes = byQueue.get(item.queue);
        if (indexes === undefined) byQueue.set(item.queue, [i]);
        else indexes.push(i); // not a copy per item: an AckBatch of n jobs of one queue was O(n²)
      });
      const outcomes: AckOutcome[] = new Array(items.length);
      await Promise.all(
        [...byQueue].map(async ([queue, indexes]) => {
          const replies = await store.jobs.ackMany(
            queue,
            indexes.map((i) => items[i] as LeaseRef),
          );
          indexes.forEach((itemIndex, k) => {
            outcomes[itemIndex] = replies[k] as AckOutcome;
          });
        }),
      );
      outcomes.forEach((outcome, i) => {
        const item = items[i] as LeaseRef;
        if (outcome.status === "acked")
          settlements.report({ queue: item.queue, id: item.id, ackLatencyMs: outcome.latencyMs });
      });
      return outcomes;
    },

    async nack(queue, id, leaseToken, options = {}) {
      checkLease(queue, id, leaseToken);
      const reply = await store.jobs.nack(queue, id, leaseToken, {
        delayMs: options.delayMs === undefined ? -1 : validate.delayMs(options.delayMs),
        error: checkText(options.error, "error") ?? "",
        retryable: options.retryable !== false,
        jitter: Math.random(),
      });
      if (reply.code !== "ok") throw leaseRefused(reply, queue, id);
      settlements.report({ queue, id });
      if (reply.outcome === "retry") wake.expectDue(queue, { runAtMs: reply.dueAt, delayMs: 0, sentAt: 0 });
      return reply.outcome === "dead"
        ? { outcome: "dead", reason: reply.reason }
        : { outcome: "retry", dueAt: reply.dueAt };
    },

    async extendLease(queue, id, leaseToken, leaseMs) {
      checkLease(queue, id, leaseToken);
      const ms = leaseMs === "default" ? -1 : validate.leaseMs(leaseMs);
      const reply = await store.jobs.extend(queue, id, leaseToken, ms);
      if (reply.code !== "ok") throw leaseRefused(reply, queue, id);
      return ops.getJob(queue, id);
    },

    async promote(queue, id) {
      validate.queueName(queue);
      validate.jobId(id);
      const code = await store.jobs.promote(queue, id);
      if (code === "not_found") throw jobNotFound(queue, id);
      if (code === "not_delayed")
        throw new PresqueError("not_delayed", `job ${id} of queue ${queue} is not delayed`);
    },

    async getJob(queue, id) {
      validate.queueName(queue);
      validate.jobId(id);
      const job = await store.jobs.read(queue, id);
      if (!job) throw jobNotFound(queue, id);
      return job;
    },
  };
  return ops;
}
