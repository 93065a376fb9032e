/**
 * Redis CPU per job on the hot scripts: `node bench/served/measure-redis-cpu.ts [root...]` starts a
 * throwaway redis-server per root (a presque checkout; default this one), opens that root's engine
 * in this process and runs each scenario against each root in turn, so a before and an after are
 * measured in one run (`git worktree add /tmp/base <commit>` and link its node_modules). Per
 * scenario: Redis CPU µs per job (INFO cpu, the server's getrusage: all of Redis, parsing and
 * replies included), the script's own µs per job and Redis commands per job (INFO commandstats,
 * which counts the commands a script calls), and the commands that took the time.
 * MEASURE_JOBS (default 50000) jobs per scenario; MEASURE_ROUNDS (default 2) alternations.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Redis } from "ioredis";
import { startThrowawayRedis, type ThrowawayRedis } from "../../test/support/throwaway-redis.ts";
import { sizedPayload } from "./sized-payload.ts";

const jobs = Number(process.env.MEASURE_JOBS ?? 50_000);
const rounds = Number(process.env.MEASURE_ROUNDS ?? 2);
const roots = process.argv.length > 2 ? process.argv.slice(2) : [resolve(import.meta.dirname, "../..")];

interface Lease {
  queue: string;
  id: string;
  leaseToken: string;
}
interface JobsApi {
  enqueue(queue: string, payloads: string[], options?: object): Promise<{ ids: string[] }>;
  fetch(queue: string, options: { count: number; leaseMs: number }): Promise<{ jobs: Lease[] }>;
  ackMany(items: Lease[]): Promise<unknown[]>;
}
interface Target {
  root: string;
  redis: ThrowawayRedis;
  client: Redis;
  jobs: JobsApi;
  close(): Promise<void>;
}

async function openTarget(root: string, index: number): Promise<Target> {
  const from = (path: string) => import(pathToFileURL(resolve(root, path)).href);
  const { openEngine } = await from("src/engine/open-engine.ts");
  const { defaultConfig } = await from("src/config/config.ts");
  const redis = await startThrowawayRedis(`cpu${index}`);
  const client = new Redis(redis.url);
  const opened = await openEngine({
    redis: client,
    config: { ...defaultConfig, prefix: "cpu", reaperIntervalMs: 3_600_000 },
    onError: (error: unknown) => console.error(error),
    background: false,
  });
  return {
    root,
    redis,
    client,
    jobs: opened.engine.jobs as JobsApi,
    async close() {
      await opened.close();
      client.disconnect();
      await redis.stop();
    },
  };
}

const payloads = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify(sizedPayload(from + i, 105)));

/** Fills a queue with `n` waiting jobs (not measured). */
async function fill(target: Target, queue: string, n: number): Promise<void> {
  for (let at = 0; at < n; at += 1000) await target.jobs.enqueue(queue, payloads(at, Math.min(1000, n - at)));
}

/** The leases of `n` jobs of a filled queue (not measured). */
async function leaseAll(target: Target, queue: string, n: number): Promise<Lease[]> {
  const leases: Lease[] = [];
  while (leases.length < n)
    leases.push(...(await target.jobs.fetch(queue, { count: 1000, leaseMs: 600_000 })).jobs);
  return leases;
}

interface Scenario {
  name: string;
  prepare(target: Target, queue: string): Promise<unknown>;
  run(target: Target, queue: string, prepared: unknown): Promise<void>;
}

const enqueueBatches = (size: number): Scenario => ({
  name: `enqueue batch of ${size}`,
  prepare: async () => undefined,
  async run(target, queue) {
    for (let at = 0; at < jobs; at += size) await target.jobs.enqueue(queue, payloads(at, size));
  },
});

/** `size` single enqueues in one turn: group commit makes them one enqueueEach call. */
const enqueueSingles = (size: number): Scenario => ({
  name: `enqueue single ×${size} per turn`,
  prepare: async () => undefined,
  async run(target, queue) {
    for (let at = 0; at < jobs; at += size) {
      await Promise.all(payloads(at, size).map((payload) => target.jobs.enqueue(queue, [payload])));
    }
  },
});

const fetches = (count: number, leaseMs: number): Scenario => ({
  name: `fetch ${count}, lease ${leaseMs === 0 ? "0 (removed)" : `${leaseMs / 1000}s`}`,
  prepare: (target, queue) => fill(target, queue, jobs),
  async run(target, queue) {
    for (let taken = 0; taken < jobs; )
      taken += (await target.jobs.fetch(queue, { count, leaseMs })).jobs.length;
  },
});

const acks = (count: number): Scenario => ({
  name: `ack ${count} per call`,
  async prepare(target, queue) {
    await fill(target, queue, jobs);
    return leaseAll(target, queue, jobs);
  },
  async run(target, _queue, prepared) {
    const leases = prepared as Lease[];
    for (let at = 0; at < leases.length; at += count) await target.jobs.ackMany(leases.slice(at, at + count));
  },
});

const scenarios: Scenario[] = [
  enqueueBatches(100),
  enqueueSingles(10),
  enqueueSingles(100),
  fetches(10, 60_000),
  fetches(100, 60_000),
  fetches(10, 0),
  acks(10),
  acks(100),
];

async function cpuSeconds(client: Redis): Promise<number> {
  const info = await client.info("cpu");
  const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1]);
  return value("used_cpu_user") + value("used_cpu_sys");
}

/** command → [calls, usec] since the last CONFIG RESETSTAT. */
async function commandStats(client: Redis): Promise<Map<string, [number, number]>> {
  const stats = new Map<string, [number, number]>();
  for (const match of (await client.info("commandstats")).matchAll(
    /cmdstat_(\S+?):calls=(\d+),usec=(\d+)/g,
  )) {
    stats.set(match[1] as string, [Number(match[2]), Number(match[3])]);
  }
  return stats;
}

const notJobWork = new Set(["info", "config", "evalsha", "eval", "script", "sadd"]);

async function measure(target: Target, scenario: Scenario, round: number) {
  const queue = `q${round}-${scenario.name.replace(/\W+/g, "-")}`;
  const prepared = await scenario.prepare(target, queue);
  await target.client.config("RESETSTAT");
  const before = await cpuSeconds(target.client);
  await scenario.run(target, queue, prepared);
  const cpu = (await cpuSeconds(target.client)) - before;
  const stats = await commandStats(target.client);
  // keep memory flat across scenarios
  await target.client.eval(
    "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end",
    0,
    `cpu:{${queue}}:*`,
  );
  let inner = 0;
  const top: [string, number][] = [];
  for (const [name, [calls]] of stats) {
    if (notJobWork.has(name)) continue;
    inner += calls;
    top.push([name, calls / jobs]);
  }
  top.sort((a, b) => b[1] - a[1]);
  const script = stats.get("evalsha") ?? [0, 0];
  return {
    cpuUsPerJob: (cpu * 1e6) / jobs,
    scriptUsPerJob: script[1] / jobs,
    scriptCalls: script[0],
    commandsPerJob: inner / jobs,
    perJob: top
      .slice(0, 8)
      .map(([name, n]) => `${name} ${n.toFixed(2)}`)
      .join(", "),
  };
}

const targets: Target[] = [];
try {
  for (const [i, root] of roots.entries()) targets.push(await openTarget(root, i));
  const rows: Record<string, string>[] = [];
  for (const scenario of scenarios) {
    const results = targets.map(() => [] as Awaited<ReturnType<typeof measure>>[]);
    for (let round = 0; round < rounds; round++) {
      for (const [i, target] of targets.entries()) results[i]?.push(await measure(target, scenario, round));
    }
    for (const [i, target] of targets.entries()) {
      const runs = results[i] ?? [];
      const best = runs.reduce((a, b) => (b.cpuUsPerJob < a.cpuUsPerJob ? b : a));
      rows.push({
        scenario: scenario.name,
        root: target.root,
        "redis µs/job": runs.map((r) => r.cpuUsPerJob.toFixed(2)).join(" / "),
        "script µs/job": best.scriptUsPerJob.toFixed(2),
        calls: String(best.scriptCalls),
        "cmds/job": best.commandsPerJob.toFixed(2),
        "per job": best.perJob,
      });
      console.log(JSON.stringify(rows.at(-1)));
    }
  }
} finally {
  for (const target of targets) await target.close();
}
