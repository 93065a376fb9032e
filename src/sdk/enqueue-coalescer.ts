import { Code, ConnectError } from "@connectrpc/connect";
import type { EnqueueCallOptions, EnqueueResult } from "./producer.ts";

/** How `client.enqueue` calls made together share EnqueueBatch requests; every field is optional. */
export interface EnqueueCoalescingOptions {
  /**
   * Most jobs in one EnqueueBatch request. Default 500; keep it at or below the server's
   * limits.max_batch_size (1000 by default), or every full batch is refused and sent again one
   * call at a time.
   */
  maxJobs?: number;
  /**
   * A batch stops growing before its payloads' JSON text passes this many characters; a larger
   * payload goes alone. Default 262144: with up to 3 UTF-8 bytes a character, a full batch stays
   * under the server's default limits.max_body_bytes (1 MiB).
   */
  maxChars?: number;
  /**
   * Requests in flight at once for one queue (and one set of options); calls made meanwhile wait
   * and go together in the next request when one returns. Default 4.
   */
  maxInFlight?: number;
}

/** How the coalescer reaches presque: Enqueue for one job, EnqueueBatch for more. */
export interface EnqueueSenders {
  sendOne(queue: string, json: string, options: EnqueueCallOptions): Promise<EnqueueResult>;
  /** Resolves with one id per payload, in order; all or nothing. */
  sendBatch(queue: string, jsons: string[], options: EnqueueCallOptions): Promise<string[]>;
}

export interface EnqueueCoalescer {
  /**
   * Adds one job (JSON text). Calls for the same queue with the same options, made in the same
   * turn of the event loop or while that queue's requests are in flight, go in one request.
   */
  enqueue(queue: string, json: string, options: EnqueueCallOptions): Promise<EnqueueResult>;
}

interface Member {
  json: string;
  signal: AbortSignal | undefined;
  settle: (result: EnqueueResult) => void;
  fail: (error: unknown) => void;
  /** Answered already (aborted by its signal): the batch's answer is not for it any more. */
  done: boolean;
}

interface Group {
  /** Where the group is kept: by queue, or by queue and options (see groupKey). */
  map: Map<string, Group>;
  key: string;
  queue: string;
  options: EnqueueCallOptions;
  pending: Member[];
  inFlight: number;
}

/**
 * Answers that EnqueueBatch gives for the batch as a whole but that may be one member's fault (a
 * payload that is not JSON or too deep, a full queue with room for some): nothing was stored, so
 * each member is sent again alone and gets the answer its own call would have had.
 */
const perMemberCodes = new Set([Code.InvalidArgument, Code.ResourceExhausted]);

/**
 * Group commit on the client, without a timer: the first call of an idle queue is sent at the end
 * of its turn (setImmediate, no added latency), alone as an Enqueue; calls made in the same turn
 * go with it as one EnqueueBatch. While maxInFlight requests of a queue are on the wire, new calls
 * wait and go together when one returns, so under load batches grow to maxJobs by themselves.
 * Only calls with the same options share a request (EnqueueBatch's options apply to every job).
 */
export function createEnqueueCoalescer(
  senders: EnqueueSenders,
  settings: EnqueueCoalescingOptions = {},
): EnqueueCoalescer {
  const maxJobs = positive(settings.maxJobs ?? 500, "maxJobs");
  const maxChars = positive(settings.maxChars ?? 262_144, "maxChars");
  const maxInFlight = positive(settings.maxInFlight ?? 4, "maxInFlight");
  // calls without options, by queue; calls with options, by groupKey
  const plainGroups = new Map<string, Group>();
  const optionGroups = new Map<string, Group>();
  const ready = new Set<Group>();
  let scheduled = false;

  const flushReady = () => {
    scheduled = false;
    for (const group of ready) drain(group);
    ready.clear();
  };
  const schedule = (group: Group) => {
    ready.add(group);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flushReady);
    }
  };

  const drain = (group: Group) => {
    while (group.pending.length > 0 && group.inFlight < maxInFlight) send(group, takeBatch(group.pending));
  };

  const takeBatch = (pending: Member[]): Member[] => {
    let count = 0;
    let chars = 0;
    for (const member of pending) {
      if (count === maxJobs || (count > 0 && chars + member.json.length > maxChars)) break;
      chars += member.json.length;
      count++;
    }
    return pending.splice(0, count);
  };

  const sendAlone = (group: Group, member: Member) =>
    senders.sendOne(group.queue, member.json, { ...group.options, signal: member.signal }).then(
      (result) => answer(member, result),
      (error: unknown) => refuse(member, error),
    );

  const sendMany = async (group: Group, batch: Member[]) => {
    try {
      const ids = await senders.sendBatch(
        group.queue,
        batch.map((member) => member.json),
        group.options,
      );
      batch.forEach((member, i) => {
        const id = ids[i];
        if (id === undefined)
          refuse(member, new Error(`EnqueueBatch answered ${ids.length} ids for ${batch.length} jobs`));
        else answer(member, { id, duplicate: false });
      });
    } catch (error) {
      if (!perMemberCodes.has(ConnectError.from(error).code)) {
        for (const member of batch) refuse(member, error);
        return;
      }
      await Promise.all(batch.filter((member) => !member.done).map((member) => sendAlone(group, member)));
    }
  };

  const send = (group: Group, batch: Member[]) => {
    group.inFlight++;
    const sent = batch.length === 1 ? sendAlone(group, batch[0] as Member) : sendMany(group, batch);
    void sent.finally(() => {
      group.inFlight--;
      if (group.pending.length > 0) schedule(group);
      else release(group);
    });
  };

  return {
    enqueue(queue, json, options) {
      const { signal } = options;
      // An aborted signal fails at once, in connect's words.
      if (signal?.aborted) return senders.sendOne(queue, json, options);
      const key = groupKey(queue, options);
      const map = key === undefined ? plainGroups : optionGroups;
      let group = map.get(key ?? queue);
      if (group === undefined) {
        const groupOptions = { ...options, signal: undefined };
        group = { map, key: key ?? queue, queue, options: groupOptions, pending: [], inFlight: 0 };
        map.set(group.key, group);
      }
      return new Promise<EnqueueResult>((settle, fail) => {
        const member: Member = { json, signal, settle, fail, done: false };
        group.pending.push(member);
        if (signal) watchAbort(group, member, signal);
        if (group.inFlight < maxInFlight) {
          if (group.pending.length >= maxJobs) drain(group);
          else schedule(group);
        }
      });
    },
  };
}

/** Forgets a group with nothing waiting and nothing in flight. */
function release(group: Group) {
  if (group.pending.length === 0 && group.inFlight === 0 && group.map.get(group.key) === group) {
    group.map.delete(group.key);
  }
}

function answer(member: Member, result: EnqueueResult) {
  if (member.done) return;
  member.done = true;
  member.settle(result);
}

function refuse(member: Member, error: unknown) {
  if (member.done) return;
  member.done = true;
  member.fail(error);
}

/**
 * A caller that gives up is answered at once. Still waiting, its job is taken out and never sent;
 * already sent, the request goes on for the others, and the job may be stored, as with an aborted
 * Enqueue of its own.
 */
function watchAbort(group: Group, member: Member, signal: AbortSignal) {
  const onAbort = () => {
    const at = group.pending.indexOf(member);
    if (at >= 0) {
      group.pending.splice(at, 1);
      release(group);
    }
    refuse(member, ConnectError.from(signal.reason, Code.Canceled));
  };
  signal.addEventListener("abort", onAbort, { once: true });
  const settle = member.settle;
  const fail = member.fail;
  member.settle = (result) => {
    signal.removeEventListener("abort", onAbort);
    settle(result);
  };
  member.fail = (error) => {
    signal.removeEventListener("abort", onAbort);
    fail(error);
  };
}

/**
 * Calls share a group only with the same queue and the same options. undefined for a call
 * without options (the common case, grouped by queue alone, with nothing built).
 */
function groupKey(queue: string, options: EnqueueCallOptions): string | undefined {
  const { priority, delaySeconds, runAt, maxAttempts, expiresAt, traceparent, timeoutMs } = options;
  if (
    priority === undefined &&
    delaySeconds === undefined &&
    runAt === undefined &&
    maxAttempts === undefined &&
    expiresAt === undefined &&
    traceparent === undefined &&
    timeoutMs === undefined
  ) {
    return undefined;
  }
  // typed, so that NaN and undefined (or 5 and "5") do not meet in one group
  const part = (value: unknown) => `${typeof value}:${String(value)}`;
  const at = (date: Date | undefined) => part(date?.getTime());
  return JSON.stringify([
    queue,
    part(priority),
    part(delaySeconds),
    at(runAt),
    part(maxAttempts),
    at(expiresAt),
    part(traceparent),
    part(timeoutMs),
  ]);
}

function positive(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`enqueueCoalescing.${what} must be a positive integer`);
  return value;
}
