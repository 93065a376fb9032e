import type { Redis } from "ioredis";
import type { Limits } from "../config/config.ts";
import { PresqueError } from "../errors/presque-error.ts";
import { parseFetchReply, parseJobHash } from "./job-replies.ts";
import type { KeySpace } from "./keys.ts";
import type { QueueRegistry } from "./queue-registry.ts";
import { runScript } from "./script-loader.ts";
import type { EnqueueOptions, FetchOptions, FetchResult, JobView, NackOptions, QueueInfo } from "./types.ts";
import { createValidator } from "./validate.ts";
import type { WakeHub } from "./wake-hub.ts";

/** The queue semantics. REST and RPC edges both call these, and nothing else touches Redis. */
export interface Engine {
  enqueue(queue: string, payloads: string[], options?: EnqueueOptions): Promise<string[]>;
  fetch(queue: string, options: FetchOptions): Promise<FetchResult>;
  /** Resolves with the time from enqueue to this ack (Redis clock), for latency metrics. */
  ack(queue: string, id: string, leaseToken: string): Promise<{ latencyMs: number }>;
  nack(queue: string, id: string, leaseToken: string, options?: NackOptions): Promise<void>;
  extendLease(queue: string, id: string, leaseToken: string, leaseMs: number): Promise<JobView>;
  getJob(queue: string, id: string): Promise<JobView>;
  purge(queue: string): Promise<number>;
  setStopped(queue: string, stopped: boolean): Promise<void>;
  queueInfo(queue: string): Promise<QueueInfo>;
  listQueues(): Promise<string[]>;
  /** The checks behind every operation, for edges that parse their own parameters. */
  validate: ReturnType<typeof createValidator>;
}

export interface EngineDeps {
  redis: Redis;
  keys: KeySpace;
  registry: QueueRegistry;
  wakeHub: WakeHub;
  limits: Limits;
}

export function createEngine({ redis, keys, registry, wakeHub, limits }: EngineDeps): Engine {
  const validate = createValidator(limits);

  const fetchOnce = async (queue: string, count: number, leaseMs: number) => {
    const q = keys.queue(queue);
    const reply = await runScript(
      redis,
      "fetchJobs",
      [q.ready, q.delayed, q.leased, q.meta],
      [q.jobPrefix, keys.wakeChannel, queue, count, leaseMs],
    );
    return parseFetchReply(queue, reply);
  };

  /** Maps a lease script's 0 / -1 reply to the error a client can act on. */
  const checkLeaseReply = (reply: unknown, queue: string, id: string) => {
    if (reply === 0) throw new PresqueError("not_found", `job ${id} of queue ${queue} does not exist`);
    if (reply === -1) {
      throw new PresqueError("stale_lease", `job ${id} of queue ${queue} is not leased under this token`);
    }
  };

  const engine: Engine = {
    validate,

    async enqueue(queue, payloads, options = {}) {
      validate.queueName(queue);
      validate.batchSize(payloads.length, "number of jobs");
      const priority = validate.priority(options.priority ?? 0);
      const delayMs = validate.delayMs(options.delayMs ?? 0);
      const q = keys.queue(queue);
      const [, ids] = await Promise.all([
        registry.ensure(queue),
        runScript(
          redis,
          "enqueueJobs",
          [q.ready, q.delayed, q.meta],
          [q.jobPrefix, keys.wakeChannel, queue, priority, delayMs, options.requeue ? "1" : "0", ...payloads],
        ),
      ]);
      return ids as string[];
    },

    async fetch(queue, options) {
      validate.queueName(queue);
      const count = validate.batchSize(options.count ?? 1, "batch size");
      const leaseMs = options.leaseMs === 0 ? 0 : validate.leaseMs(options.leaseMs);
      const waitMs = validate.waitMs(options.waitMs ?? 0);
      if (waitMs === 0) return fetchOnce(queue, count, leaseMs);
      const deadline = Date.now() + waitMs;
      for (;;) {
        const waiter = wakeHub.register(queue);
        const result = await fetchOnce(queue, count, leaseMs);
        const remaining = deadline - Date.now();
        if (result.jobs.length > 0 || remaining <= 0 || options.signal?.aborted) {
          waiter.cancel();
          return result;
        }
        await waiter.wait(remaining, options.signal);
      }
    },

    async ack(queue, id, leaseToken) {
      validate.queueName(queue);
      validate.jobId(id);
      validate.leaseToken(leaseToken);
      const q = keys.queue(queue);
      const reply = await runScript(
        redis,
        "ackJob",
        [q.leased, q.meta, keys.job(queue, id)],
        [id, leaseToken],
      );
      checkLeaseReply(reply, queue, id);
      return { latencyMs: Number((reply as [number, number])[1]) };
    },

    async nack(queue, id, leaseToken, options = {}) {
      validate.queueName(queue);
      validate.jobId(id);
      validate.leaseToken(leaseToken);
      const delayMs = validate.delayMs(options.delayMs ?? 0);
      const q = keys.queue(queue);
      const reply = await runScript(
        redis,
        "nackJob",
        [q.ready, q.delayed, q.leased, q.meta, keys.job(queue, id)],
        [id, leaseToken, delayMs, options.error ?? "", keys.wakeChannel, queue],
      );
      checkLeaseReply(reply, queue, id);
    },

    async extendLease(queue, id, leaseToken, leaseMs) {
      validate.queueName(queue);
      validate.jobId(id);
      validate.leaseToken(leaseToken);
      validate.leaseMs(leaseMs);
      const q = keys.queue(queue);
      const reply = await runScript(
        redis,
        "extendLease",
        [q.leased, keys.job(queue, id)],
        [id, leaseToken, leaseMs],
      );
      checkLeaseReply(reply, queue, id);
      return engine.getJob(queue, id);
    },

    async getJob(queue, id) {
      validate.queueName(queue);
      validate.jobId(id);
      const job = parseJobHash(queue, id, await redis.hgetall(keys.job(queue, id)));
      if (!job) throw new PresqueError("not_found", `job ${id} of queue ${queue} does not exist`);
      return job;
    },

    async purge(queue) {
      validate.queueName(queue);
      const q = keys.queue(queue);
      let purged = 0;
      for (;;) {
        const [removed, remaining] = (await runScript(
          redis,
          "purgeQueue",
          [q.ready, q.delayed, q.leased, q.meta],
          [q.jobPrefix, 1000],
        )) as [number, number];
        purged += removed;
        if (remaining === 0 || removed === 0) return purged;
      }
    },

    async setStopped(queue, stopped) {
      validate.queueName(queue);
      const q = keys.queue(queue);
      await Promise.all([
        registry.ensure(queue),
        runScript(redis, "setStopped", [q.ready, q.meta], [stopped ? "1" : "0", keys.wakeChannel, queue]),
      ]);
    },

    async queueInfo(queue) {
      validate.queueName(queue);
      const q = keys.queue(queue);
      const counts = (await runScript(
        redis,
        "getQueueInfo",
        [q.ready, q.delayed, q.leased, q.meta],
        [],
      )) as number[];
      const [ready, delayed, inFlight, stopped, enqueued, processed, failed, expiredLeases] =
        counts.map(Number);
      return {
        queue,
        ready: ready ?? 0,
        delayed: delayed ?? 0,
        inFlight: inFlight ?? 0,
        stopped: stopped === 1,
        enqueued: enqueued ?? 0,
        processed: processed ?? 0,
        failed: failed ?? 0,
        expiredLeases: expiredLeases ?? 0,
      };
    },

    listQueues: () => registry.list(),
  };
  return engine;
}
