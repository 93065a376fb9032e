import { createHash } from "node:crypto";
import { PresqueError } from "../errors/presque-error.ts";
import { checkLeaseReply, type EngineDeps, jobNotFound } from "./engine-deps.ts";
import { parseFetchReply, parseJobHash } from "./job-replies.ts";
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
} from "./types.ts";

export interface JobOperations {
  /** Adds jobs atomically; refuses with already_exists (unique key) or queue_full. */
  enqueueJobs(queue: string, payloads: string[], options?: EnqueueOptions): Promise<EnqueueResult>;
  /** enqueueJobs, for callers that only want the ids. */
  enqueue(queue: string, payloads: string[], options?: EnqueueOptions): Promise<string[]>;
  fetch(queue: string, options: FetchOptions): Promise<FetchResult>;
  /** Resolves with the time from enqueue to this ack (Redis clock), for latency metrics. */
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
  promoteJob(queue: string, id: string): Promise<void>;
}

const maxTextLength = 4096;

export function createJobOperations(deps: EngineDeps): JobOperations {
  const { redis, keys, scripts, registry, wakeHub, validate } = deps;

  const fetchOnce = async (queue: string, count: number, leaseMs: number) =>
    parseFetchReply(queue, await scripts.run("fetchJobs", queue, [count, leaseMs]));

  const checkText = (text: string | undefined, what: string) => {
    if (text !== undefined && text.length > maxTextLength) {
      throw new PresqueError("invalid_argument", `${what} is longer than ${maxTextLength} characters`);
    }
    return text;
  };

  const operations: JobOperations = {
    async enqueueJobs(queue, payloads, options = {}) {
      validate.queueName(queue);
      validate.batchSize(payloads.length, "number of jobs");
      if (options.unique !== undefined && payloads.length > 1) {
        throw new PresqueError("invalid_argument", "a unique key applies to one job, not to a batch");
      }
      const scriptOptions = {
        priority: validate.priority(options.priority ?? 0),
        delayMs: validate.delayMs(options.delayMs ?? 0),
        runAtMs: options.runAtMs === undefined ? undefined : validate.timestamp(options.runAtMs, "run_at"),
        maxAttempts:
          options.maxAttempts === undefined ? undefined : validate.maxAttempts(options.maxAttempts),
        expiresAtMs:
          options.expiresAtMs === undefined
            ? undefined
            : validate.timestamp(options.expiresAtMs, "expires_at"),
        unique: validate.optionalKey(options.unique, "unique key"),
        traceparent: validate.traceparent(options.traceparent),
        idempotencyKey: validate.optionalKey(options.idempotencyKey, "idempotency key"),
        idempotencyMs: deps.idempotencyWindowMs,
        idempotencyDigest: undefined as string | undefined,
        requeue: options.requeue === true || undefined,
      };
      if (scriptOptions.idempotencyKey !== undefined) {
        // what makes two requests "the same": the payloads and every option but the key itself
        const { idempotencyKey: _key, idempotencyMs: _window, ...request } = scriptOptions;
        scriptOptions.idempotencyDigest = createHash("sha256")
          .update(JSON.stringify([payloads, request]))
          .digest("base64");
      }
      // The registry is best effort: the next enqueue adds the name again. Failing the request
      // here would make a client retry an enqueue that did happen.
      const [, reply] = await Promise.all([
        registry.ensure(queue).catch(() => undefined),
        scripts.run("enqueueJobs", queue, [JSON.stringify(scriptOptions), ...payloads]),
      ]);
      const [status, ...values] = reply as string[];
      if (status === "exists") {
        throw new PresqueError(
          "already_exists",
          `job already exists: job ${values[0]} holds unique key ${options.unique}`,
        );
      }
      if (status === "mismatch") {
        throw new PresqueError(
          "idempotency_mismatch",
          `idempotency key ${options.idempotencyKey} was used for a different request; use a new key`,
        );
      }
      if (status === "expired") throw new PresqueError("invalid_argument", "expires_at is already past");
      if (status === "full") {
        throw new PresqueError(
          "queue_full",
          `queue ${queue} is full (${values[0]} waiting jobs); retry later`,
        );
      }
      return { ids: values.map(String), duplicate: status === "duplicate" };
    },

    enqueue: async (queue, payloads, options) => (await operations.enqueueJobs(queue, payloads, options)).ids,

    async fetch(queue, options) {
      validate.queueName(queue);
      const count = validate.batchSize(options.count ?? 1, "batch size");
      const leaseMs =
        options.leaseMs === "default" ? -1 : options.leaseMs === 0 ? 0 : validate.leaseMs(options.leaseMs);
      const waitMs = validate.waitMs(options.waitMs ?? 0);
      if (waitMs === 0) return fetchOnce(queue, count, leaseMs);
      const deadline = Date.now() + waitMs;
      // true while this call owns a wake (see WakeHub): its next fetch decides whether to pass it on
      let woken = false;
      for (;;) {
        // A client gone (or a shutdown) must not take a job it can no longer receive.
        if (options.signal?.aborted) {
          if (woken) wakeHub.passOn(queue);
          return { jobs: [], stopped: false };
        }
        const waiter = wakeHub.register(queue);
        try {
          const result = await fetchOnce(queue, count, leaseMs).catch((error: unknown) => {
            if (woken) wakeHub.passOn(queue);
            throw error;
          });
          if (woken && result.jobs.length > 0) wakeHub.passOn(queue);
          const remaining = deadline - Date.now();
          if (result.jobs.length > 0 || remaining <= 0) return result;
          woken = (await waiter.wait(remaining, options.signal)) === "woken";
        } finally {
          waiter.cancel();
        }
      }
    },

    async ack(queue, id, leaseToken) {
      validate.queueName(queue);
      validate.jobId(id);
      validate.leaseToken(leaseToken);
      const reply = await scripts.run("ackJob", queue, [id, leaseToken]);
      checkLeaseReply(reply, queue, id);
      return { latencyMs: Number((reply as [number, number])[1]) };
    },

    async ackMany(items) {
      validate.batchSize(items.length, "number of acks");
      const byQueue = new Map<string, number[]>();
      items.forEach((item, i) => {
        validate.queueName(item.queue);
        validate.jobId(item.id);
        validate.leaseToken(item.leaseToken);
        byQueue.set(item.queue, [...(byQueue.get(item.queue) ?? []), i]);
      });
      const outcomes: AckOutcome[] = new Array(items.length);
      await Promise.all(
        [...byQueue].map(async ([queue, indexes]) => {
          const pairs = indexes.flatMap((i) => [items[i]?.id as string, items[i]?.leaseToken as string]);
          const reply = (await scripts.run("ackJobs", queue, pairs)) as number[];
          indexes.forEach((itemIndex, k) => {
            const status = Number(reply[2 * k]);
            outcomes[itemIndex] =
              status === 1
                ? { status: "acked", latencyMs: Number(reply[2 * k + 1]) }
                : { status: status === 0 ? "not_found" : "stale_lease" };
          });
        }),
      );
      return outcomes;
    },

    async nack(queue, id, leaseToken, options = {}) {
      validate.queueName(queue);
      validate.jobId(id);
      validate.leaseToken(leaseToken);
      const delayMs = options.delayMs === undefined ? -1 : validate.delayMs(options.delayMs);
      const error = checkText(options.error, "error") ?? "";
      const retryable = options.retryable === false ? "0" : "1";
      const reply = await scripts.run("nackJob", queue, [
        id,
        leaseToken,
        delayMs,
        error,
        retryable,
        Math.random(),
      ]);
      checkLeaseReply(reply, queue, id);
      const [, outcome, detail] = reply as [number, string, string | number];
      return outcome === "dead"
        ? { outcome: "dead", reason: String(detail) }
        : { outcome: "retry", dueAt: Number(detail) };
    },

    async extendLease(queue, id, leaseToken, leaseMs) {
      validate.queueName(queue);
      validate.jobId(id);
      validate.leaseToken(leaseToken);
      const ms = leaseMs === "default" ? -1 : validate.leaseMs(leaseMs);
      checkLeaseReply(await scripts.run("extendLease", queue, [id, leaseToken, ms]), queue, id);
      return operations.getJob(queue, id);
    },

    async promoteJob(queue, id) {
      validate.queueName(queue);
      validate.jobId(id);
      const reply = await scripts.run("promoteJob", queue, [id]);
      if (reply === 0) throw jobNotFound(queue, id);
      if (reply === -1) throw new PresqueError("not_delayed", `job ${id} of queue ${queue} is not delayed`);
    },

    async getJob(queue, id) {
      validate.queueName(queue);
      validate.jobId(id);
      const job = parseJobHash(queue, id, await redis.hgetall(keys.job(queue, id)));
      if (!job) throw jobNotFound(queue, id);
      return job;
    },
  };
  return operations;
}
