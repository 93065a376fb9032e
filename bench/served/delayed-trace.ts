import { Redis } from "ioredis";
import type { DelayedJob } from "../presque-delayed.ts";

/** What Redis saw of one job, on its clock (ms; this machine's wall clock, as the bench's). */
interface RedisSide {
  enqueuedAt?: number;
  dueAt?: number;
  promotedAt?: number;
  /** "reaper" (a promoteDue pass) or "fetch" (fetchJobs promotes what is due before it pops). */
  promotedBy?: string;
  fetchedAt?: number;
}

/**
 * Diagnostic only (BENCH_TRACE=1; MONITOR slows Redis down): follows the served presque's
 * delayed jobs through Redis with MONITOR's µs timestamps of the commands its scripts run, so each
 * job's lateness splits into due → promoted (ZREM from the delayed set) → fetched (ZADD to the
 * leased set) → the consumer got the Fetch answer. Reads key names only, not the scripts' layout.
 */
export async function traceDelayed(redisUrl: string, keyPrefix: string) {
  const connection = new Redis(redisUrl);
  const monitor = await connection.monitor(); // a connection of its own
  const byId = new Map<string, RedisSide>();
  const passes: number[] = [];
  // A reaper pass is SMEMBERS of the registry, then promoteDue for each queue: the first EVALSHA
  // after an SMEMBERS names the promoteDue script.
  let reaperSha = "";
  let afterList = false;
  let script = "fetch";
  const side = (id: string) => {
    const entry = byId.get(id) ?? {};
    byId.set(id, entry);
    return entry;
  };
  monitor.on("monitor", (time: string, args: string[], source: string) => {
    const at = Number(time) * 1000;
    const [command = "", key = ""] = args;
    const name = command.toLowerCase();
    if (source !== "lua") {
      if (!key.startsWith(keyPrefix) && !args[3]?.startsWith(keyPrefix)) return;
      if (name === "smembers") afterList = true;
      if (name !== "evalsha") return;
      if (afterList) reaperSha = key;
      afterList = false;
      script = key === reaperSha ? "reaper" : "fetch";
      if (script === "reaper") passes.push(at);
      return;
    }
    if (!key.startsWith(keyPrefix)) return;
    if (name === "zadd" && key.endsWith(":delayed")) {
      for (let i = 2; i + 1 < args.length; i += 2)
        Object.assign(side(args[i + 1] as string), { enqueuedAt: at, dueAt: Number(args[i]) });
    } else if (name === "zadd" && key.endsWith(":leased")) {
      for (let i = 3; i < args.length; i += 2) side(args[i] as string).fetchedAt = at;
    } else if (name === "zrem" && key.endsWith(":delayed")) {
      for (const id of args.slice(2)) Object.assign(side(id), { promotedAt: at, promotedBy: script });
    }
  });
  return {
    /** Per job: who promoted it, and each step of its lateness in ms. */
    steps(jobs: DelayedJob[]) {
      return jobs.map((job) => {
        const redis = byId.get(job.id) ?? {};
        const due = redis.dueAt ?? Number.NaN;
        const promoted = redis.promotedAt ?? Number.NaN;
        const fetched = redis.fetchedAt ?? Number.NaN;
        return {
          promotedBy: redis.promotedBy ?? "?",
          steps: {
            "bench due → Redis due": due - job.dueAt,
            "enqueue sent → in Redis": (redis.enqueuedAt ?? Number.NaN) - job.sentAt,
            "due → next reaper pass": (passes.find((t) => t >= due) ?? Number.NaN) - due,
            "due → promoted": promoted - due,
            "promoted → fetched": fetched - promoted,
            "due → fetched (presque's engine and Redis)": fetched - due,
            "fetched → received": job.receivedAt - fetched,
            "due → received": job.receivedAt - due,
          },
        };
      });
    },
    /** Reaper passes seen (promoteDue calls of the traced prefix). */
    passCount: () => passes.length,
    async close() {
      monitor.disconnect();
      connection.disconnect();
    },
  };
}
