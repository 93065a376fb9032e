import type { Redis } from "ioredis";
import type { AckOutcome, EnqueueOptions, FetchResult, JobView, LeaseRef } from "../model/job.ts";
import { parseFetchReply, parseJobRecord } from "./job-reply.ts";
import { replyCodes, unexpected } from "./reply-codes.ts";
import { execPipeline, type ScriptRunner } from "./script-runner.ts";

/** The options of enqueueJobs-10.lua: the caller's options, checked, with the idempotency window. */
export type EnqueueScriptOptions = Omit<EnqueueOptions, "priority" | "delayMs" | "requeue"> & {
  priority: number;
  delayMs: number;
  idempotencyMs: number;
  /** A hash of the request, so a key reused for another request is refused. */
  idempotencyDigest?: string;
  requeue?: true;
};

/** One job of a group commit (enqueueEach-10.lua): its options, checked, and its payload. */
export interface SingleEnqueue {
  options: EnqueueScriptOptions;
  payload: string;
}

export type EnqueueReply =
  | { code: "ok" | "duplicate"; ids: string[] }
  | { code: "unique_held"; holder: string }
  | { code: "full"; waiting: number }
  | { code: "mismatch" | "expired" };

/** A fetch done by an enqueue for a consumer waiting in this process (see WakeHub.claim). */
export interface HandOff {
  count: number;
  /** > 0, or -1: the queue's default lease. At-most-once (0) is never handed off. */
  leaseMs: number;
}

export interface EachReply {
  replies: EnqueueReply[];
  /** The hand-off's jobs, when one was asked for. */
  handed?: FetchResult;
}

/** Why a lease holder's change was refused (fencing). */
export type LeaseRefusal = { code: "not_found" | "stale_lease" };
export type NackReply =
  | LeaseRefusal
  | { code: "ok"; outcome: "retry"; dueAt: number }
  | { code: "ok"; outcome: "dead"; reason: string };

/** One typed wrapper per job script (arguments in, a parsed reply out), and the job reads. */
export interface JobStore {
  /** One request, all of its jobs or none. */
  enqueue(queue: string, options: EnqueueScriptOptions, payloads: string[]): Promise<EnqueueReply>;
  /**
   * Independent single jobs of one queue in one script call; one reply per job, in order. With a
   * hand-off, the same call then leases up to `count` ready jobs as fetch would (`handed`).
   */
  enqueueEach(queue: string, jobs: SingleEnqueue[], handOff?: HandOff): Promise<EachReply>;
  /** leaseMs: 0 removes the jobs as they are handed out; -1 the queue's default lease. */
  fetch(queue: string, count: number, leaseMs: number): Promise<FetchResult>;
  /** Acks of one queue in one script call; one outcome per item, in order. */
  ackMany(queue: string, items: LeaseRef[]): Promise<AckOutcome[]>;
  /** delayMs -1: the queue's backoff; jitter in [0, 1) for it. */
  nack(
    queue: string,
    id: string,
    leaseToken: string,
    options: { delayMs: number; error: string; retryable: boolean; jitter: number },
  ): Promise<NackReply>;
  /** leaseMs -1: the queue's default lease. */
  extend(
    queue: string,
    id: string,
    leaseToken: string,
    leaseMs: number,
  ): Promise<LeaseRefusal | { code: "ok"; deadline: number }>;
  promote(queue: string, id: string): Promise<"ok" | "not_found" | "not_delayed">;
  /** Gives leases back as ready, undoing the delivery; resolves with how many were still held. */
  release(queue: string, items: LeaseRef[]): Promise<number>;
  read(queue: string, id: string): Promise<JobView | undefined>;
  /** The jobs of `ids` in one round trip, in order; ids whose job is gone are skipped. */
  readMany(queue: string, ids: string[]): Promise<JobView[]>;
  /** The current lease token of each job (undefined when it has none or is gone), in one round trip. */
  leaseTokens(leases: LeaseRef[]): Promise<(string | undefined)[]>;
  /** Ids at positions start..stop (inclusive) of a job set, in the set's order. */
  idsAt(queue: string, state: "ready" | "delayed" | "leased", start: number, stop: number): Promise<string[]>;
}

const pairsOf = (items: LeaseRef[]) => items.flatMap((item) => [item.id, item.leaseToken]);

export function createJobStore(redis: Redis, scripts: ScriptRunner): JobStore {
  const store: JobStore = {
    async enqueue(queue, options, payloads) {
      const [code, ...values] = (await scripts.run("enqueueJobs", queue, [
        JSON.stringify(options),
        ...payloads,
      ])) as [unknown, ...unknown[]];
      return enqueueReplyOf("enqueueJobs", code, values);
    },

    async enqueueEach(queue, jobs, handOff) {
      // Jobs without options of their own share one options text: sent once, decoded once.
      const optionIndexes = new Map<string, number>();
      const indexes: number[] = [];
      // job-ops hands every job without options one shared object: stringified once, not per job
      let lastOptions: EnqueueScriptOptions | undefined;
      let text = "";
      for (const job of jobs) {
        if (job.options !== lastOptions) {
          lastOptions = job.options;
          text = JSON.stringify(job.options);
        }
        let index = optionIndexes.get(text);
        if (index === undefined) {
          index = optionIndexes.size + 1;
          optionIndexes.set(text, index);
        }
        indexes.push(index);
      }
      const args: (string | number)[] = [
        handOff?.count ?? 0,
        handOff?.leaseMs ?? 0,
        optionIndexes.size,
        ...optionIndexes.keys(),
      ];
      // one options text for all: the payloads alone (see the script's header)
      jobs.forEach((job, i) => {
        if (optionIndexes.size === 1) args.push(job.payload);
        else args.push(indexes[i] as number, job.payload);
      });
      const reply = (await scripts.run("enqueueEach", queue, args)) as unknown[];
      const replies: EnqueueReply[] = [];
      let at = 0;
      while (replies.length < jobs.length) {
        const code = reply[at];
        const count = Number(reply[at + 1]);
        replies.push(enqueueReplyOf("enqueueEach", code, reply.slice(at + 2, at + 2 + count)));
        at += 2 + count;
      }
      if (handOff === undefined) return { replies };
      return { replies, handed: parseFetchReply(queue, reply.slice(at)) };
    },

    async fetch(queue, count, leaseMs) {
      return parseFetchReply(queue, await scripts.run("fetchJobs", queue, [count, leaseMs]));
    },

    async ackMany(queue, items) {
      const reply = (await scripts.run("ackJobs", queue, pairsOf(items))) as (string | number)[];
      return items.map((_, k): AckOutcome => {
        const code = reply[2 * k];
        if (code === replyCodes.ok) return { status: "acked", latencyMs: Number(reply[2 * k + 1]) };
        return { status: leaseRefusal("ackJobs", code).code };
      });
    },

    async nack(queue, id, leaseToken, { delayMs, error, retryable, jitter }) {
      const [code, outcome, detail] = (await scripts.run("nackJob", queue, [
        id,
        leaseToken,
        delayMs,
        error,
        retryable ? "1" : "0",
        jitter,
      ])) as [string, string?, (string | number)?];
      if (code !== replyCodes.ok) return leaseRefusal("nackJob", code);
      return outcome === "dead"
        ? { code, outcome, reason: String(detail) }
        : { code, outcome: "retry", dueAt: Number(detail) };
    },

    async extend(queue, id, leaseToken, leaseMs) {
      const [code, deadline] = (await scripts.run("extendLease", queue, [id, leaseToken, leaseMs])) as [
        string,
        number?,
      ];
      return code === replyCodes.ok
        ? { code, deadline: Number(deadline) }
        : leaseRefusal("extendLease", code);
    },

    async promote(queue, id) {
      const code = await scripts.run("promoteJob", queue, [id]);
      if (code === replyCodes.ok || code === replyCodes.notFound || code === replyCodes.notDelayed)
        return code;
      throw unexpected("promoteJob", code);
    },

    async release(queue, items) {
      return Number(await scripts.run("releaseJobs", queue, pairsOf(items)));
    },

    async read(queue, id) {
      return (await store.readMany(queue, [id]))[0];
    },

    async readMany(queue, ids) {
      if (ids.length === 0) return [];
      const reply = (await scripts.run("readJobs", queue, ["jobs", ...ids])) as unknown[][];
      return reply.map((fields) => parseJobRecord(queue, fields));
    },

    async leaseTokens(leases) {
      if (leases.length === 0) return [];
      // one readJobs per queue, all in one pipeline
      const byQueue = new Map<string, number[]>();
      for (const [i, lease] of leases.entries())
        byQueue.set(lease.queue, [...(byQueue.get(lease.queue) ?? []), i]);
      const pipeline = redis.pipeline();
      for (const [queue, indexes] of byQueue)
        scripts.queueOn(pipeline, "readJobs", queue, ["tokens", ...indexes.map((i) => leases[i]?.id ?? "")]);
      const replies = (await execPipeline(pipeline)) as string[][];
      const tokens: (string | undefined)[] = [];
      for (const [q, indexes] of [...byQueue.values()].entries()) {
        for (const [k, index] of indexes.entries()) tokens[index] = replies[q]?.[k] || undefined;
      }
      return tokens;
    },

    async idsAt(queue, state, start, stop) {
      return (await scripts.run("rangeJobs", queue, [state, start, stop])) as string[];
    },
  };
  return store;
}

function enqueueReplyOf(script: string, code: unknown, values: unknown[]): EnqueueReply {
  switch (code) {
    case replyCodes.ok:
    case replyCodes.duplicate:
      return { code, ids: values.map(String) };
    case replyCodes.uniqueHeld:
      return { code, holder: String(values[0]) };
    case replyCodes.full:
      return { code, waiting: Number(values[0]) };
    case replyCodes.mismatch:
    case replyCodes.expired:
      return { code };
    default:
      throw unexpected(script, code);
  }
}

function leaseRefusal(script: string, code: unknown): LeaseRefusal {
  if (code === replyCodes.notFound || code === replyCodes.staleLease) return { code };
  throw unexpected(script, code);
}
