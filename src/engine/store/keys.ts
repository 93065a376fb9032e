/**
 * Every Redis key presque uses is built here; nobody else concatenates key strings.
 *
 * All keys of one queue share the hash tag `{queue}`, so a queue lives in one Redis Cluster slot and
 * every Lua script touches keys of one slot only. Queue names cannot contain braces (see
 * model/validate.ts), so the tag is exactly the queue name.
 */
export interface QueueKeys {
  /** LIST of ready job ids of priority 0, in the order they became ready (RPUSH, LPOP). */
  ready: string;
  /** ZSET of ready job ids of priority > 0; score = -priority * 2^42 + readySeq (lowest pops first). */
  readyHigh: string;
  /** ZSET of ready job ids of priority < 0; score as readyHigh. Fetch order: high, ready, low. */
  readyLow: string;
  /** ZSET of delayed job ids; score = due time in ms (Redis clock). */
  delayed: string;
  /** ZSET of leased job ids; score = lease deadline in ms (Redis clock). */
  leased: string;
  /** HASH of queue state: counters, sequences, stopped flag. */
  meta: string;
  /** HASH of this queue's settings (absent fields: presque's defaults, see model/queue-settings.ts). */
  settings: string;
  /** ZSET of dead letters; score = when the job died (ms). */
  dead: string;
  /** ZSET of finished jobs kept by the queue's retention; score = when it finished (ms). */
  done: string;
  /** HASH unique key → id of the queued or leased job holding it (presque's ?uniq=). */
  unique: string;
  /** HASH schedule name → its definition (JSON): cron or interval, time zone, payload. */
  schedules: string;
  /** ZSET schedule name → its next tick (ms); the tick is claimed and moved by fireSchedule. */
  scheduleDue: string;
  /** Prefix of idempotency STRING keys (`${idemPrefix}${key}` → JSON ids), each with its window as TTL. */
  idemPrefix: string;
  /**
   * HASH of the events counted in one minute (field = event, e.g. "enqueued"); expires after
   * ~65 minutes. Lua builds the same name as `meta .. ':m:' .. minute` (includes/count-event.lua).
   */
  minuteStats(minute: number): string;
  /**
   * Prefix of the job record HASHes: `${jobPrefix}${bucket}` holds id → packed record (see
   * lua/includes/job-record.lua) for the ids with floor(id / 65536) = bucket. Lua builds the
   * bucket key from the id (includes/queue.lua, jobKey), so no key is huge and every job of a
   * queue stays in its hash tag.
   */
  jobPrefix: string;
}

export interface KeySpace {
  /** SET of every queue name ever used (not hash-tagged: read by stats and the reaper only). */
  queues: string;
  /** Pub/sub channel on which scripts announce "queue went from empty to non-empty". */
  wakeChannel: string;
  /**
   * Pub/sub channel on which scripts announce "<due ms> <queue>" (Redis clock) when a delayed job
   * becomes its queue's earliest (lua/includes/add-delayed.lua): every process's reaper hears it.
   */
  dueChannel: string;
  /** ZSET of registered worker ids; score = last heartbeat in ms (Redis clock). */
  workers: string;
  /** HASH describing one worker: name, host, pid, queues, what it is working on. */
  worker(id: string): string;
  /** STRING: the version of the data layout under this prefix (store/layout-version.ts). */
  layout: string;
  queue(name: string): QueueKeys;
  /**
   * Keys of a queue in the layout before the compact record, to recognise it when the layout marker
   * is missing (store/layout-version.ts): `ready` was a ZSET (a LIST now), and each job a hash
   * `job(id)` for the ids in `jobSets` (same names now, but the records live in `jobPrefix` buckets).
   */
  legacyQueue(name: string): LegacyQueueKeys;
}

export interface LegacyQueueKeys {
  /** A ZSET in the old layout, a LIST (or absent) now. */
  ready: string;
  /** The ZSETs of job ids in both layouts: delayed, leased, dead, done. */
  jobSets: string[];
  /** The old layout's HASH of one job. */
  job(id: string): string;
}

export function createKeySpace(prefix: string): KeySpace {
  const queue = (name: string): QueueKeys => {
    const base = `${prefix}:{${name}}`;
    return {
      ready: `${base}:ready`,
      readyHigh: `${base}:ready:hi`,
      readyLow: `${base}:ready:lo`,
      delayed: `${base}:delayed`,
      leased: `${base}:leased`,
      meta: `${base}:meta`,
      settings: `${base}:settings`,
      dead: `${base}:dead`,
      done: `${base}:done`,
      unique: `${base}:unique`,
      idemPrefix: `${base}:idem:`,
      schedules: `${base}:schedules`,
      scheduleDue: `${base}:schedules:due`,
      minuteStats: (minute) => `${base}:meta:m:${minute}`,
      jobPrefix: `${base}:jobs:`,
    };
  };
  return {
    queues: `${prefix}:queues`,
    wakeChannel: `${prefix}:wake`,
    dueChannel: `${prefix}:due`,
    // One hash tag for the registry, so beatWorker's two keys share a Cluster slot.
    workers: `${prefix}:{workers}`,
    worker: (id) => `${prefix}:{workers}:${id}`,
    layout: `${prefix}:layout`,
    queue,
    legacyQueue(name) {
      const q = queue(name);
      return {
        ready: q.ready,
        jobSets: [q.delayed, q.leased, q.dead, q.done],
        job: (id) => `${prefix}:{${name}}:job:${id}`,
      };
    },
  };
}

/**
 * The keys every queue script takes, in the order of lua/includes/queue.lua. Its first arguments
 * (ARGV[1..6]: prefixes, channels, queue name, defaults JSON) are added by script-runner.ts.
 */
export function queueScriptKeys(q: QueueKeys): string[] {
  return [
    q.ready,
    q.readyHigh,
    q.readyLow,
    q.delayed,
    q.leased,
    q.meta,
    q.settings,
    q.dead,
    q.done,
    q.unique,
  ];
}
