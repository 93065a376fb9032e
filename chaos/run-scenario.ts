import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { check, type Verdict } from "./checker.ts";
import type { ConsumerOptions } from "./consumers.ts";
import { applyFault, type Cluster } from "./faults.ts";
import { type FinalState, queueName, readFinalState } from "./final-state.ts";
import { type FaultLine, readLines } from "./log-lines.ts";
import { startPresqueProcess } from "./presque-process.ts";
import { type Proc, Processes } from "./processes.ts";
import type { ProducerOptions } from "./producers.ts";
import { startRedis } from "./redis-process.ts";
import { consumerRoles, leaseSeconds, producerRoles, type Scenario } from "./scenarios.ts";

export interface RunResult {
  scenario: Scenario;
  verdict: Verdict;
  faults: FaultLine[];
  /** Kept when the run failed (or when asked), with every log. */
  dir?: string;
  seconds: number;
}

const child = new URL("./child.ts", import.meta.url).pathname;
const leaseMs = leaseSeconds * 1000;

/**
 * One run: a redis-server and a presque of its own, the producers and consumers of scenarios.ts as
 * child processes, the scenario's faults at their times; then the producers end, the consumers stop,
 * leases run out, a fresh consumer drains the queue, and the checker reads every log and Redis.
 */
export async function runScenario(scenario: Scenario, options: { keep?: boolean } = {}): Promise<RunResult> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), `presque-chaos-${scenario.name}-`));
  const procs = new Processes();
  const faults: FaultLine[] = [];
  let passed = false;
  try {
    const redis = await startRedis(procs, dir, scenario.fsync);
    const presque = await startPresqueProcess(procs, dir, redis.port, leaseSeconds);
    const spawnChild = (name: string, role: string, opts: object): Proc =>
      procs.spawn(name, process.execPath, [child, role, JSON.stringify(opts)], join(dir, `${name}.out`));

    const consumers = new Map<string, Proc>();
    const startConsumer = (
      name: string,
      role: (typeof consumerRoles)[number],
      extra: Partial<ConsumerOptions>,
    ) => {
      const opts: ConsumerOptions = {
        ...role,
        name,
        url: presque.url,
        queue: queueName,
        log: join(dir, `consumer-${name}.jsonl`),
        leaseSeconds,
        maxWorkMs: 150, // consumers slower than producers: they always hold jobs when a fault hits
        maxRunMs: scenario.loadMs + 60_000,
        stopAfterEmptyPolls: 0,
        ...extra,
      };
      consumers.set(name, spawnChild(name, "consumer", opts));
    };
    for (const role of consumerRoles) startConsumer(role.name, role, {});
    const logOf = (name: string) => join(dir, `consumer-${name}.jsonl`);
    // A consumer opens its log once its modules are loaded; the load starts when all have.
    await waitUntil(() => consumerRoles.every((role) => existsSync(logOf(role.name))), 30_000);

    const producers = producerRoles.map((role) => {
      const opts: ProducerOptions = {
        ...role,
        url: presque.url,
        queue: queueName,
        log: join(dir, `producer-${role.name}.jsonl`),
        maxJobs: 5000,
        durationMs: scenario.loadMs,
        attemptTimeoutMs: 15_000,
        giveUpMs: 30_000,
      };
      return spawnChild(role.name, "producer", opts);
    });
    // Fault times count from when every producer runs (loading the modules takes seconds on a busy box).
    await waitUntil(
      () => producerRoles.every((role) => existsSync(join(dir, `producer-${role.name}.jsonl`))),
      30_000,
    );
    const loadStart = Date.now();

    const cluster: Cluster = {
      procs,
      redis,
      presque,
      consumer: (name) => {
        const proc = consumers.get(name);
        if (!proc) throw new Error(`no consumer ${name}`);
        return proc;
      },
      busy: (name) => waitUntil(() => readLines(logOf(name)).some((line) => line.ev === "delivery"), 10_000),
      replaceConsumer: (name) => {
        const role = consumerRoles.find((r) => name.startsWith(r.name)) ?? consumerRoles[0];
        if (role) startConsumer(`${name}-r`, role, {});
      },
    };
    for (const step of scenario.faults) {
      await sleep(Math.max(0, loadStart + step.atMs - Date.now()));
      faults.push(await applyFault(step, cluster));
    }
    writeFileSync(join(dir, "faults.jsonl"), faults.map((f) => `${JSON.stringify(f)}\n`).join(""));

    // Producers end by themselves (bounded in time and count); a hung one is killed.
    await bounded(Promise.all(producers.map((p) => p.exited)), scenario.loadMs + 45_000);
    await Promise.all(producers.map((p) => procs.kill9(p)));
    await sleep(1000);
    await Promise.all([...consumers.values()].map((proc) => procs.terminate(proc, 6000)));

    const final = await drain(procs, spawnChild, presque.url, redis.port, dir);
    const lines = readdirSync(dir)
      .filter((file) => file.endsWith(".jsonl"))
      .flatMap((file) => readLines(join(dir, file)));
    const verdict = check(lines, final, scenario.fsync);
    passed = verdict.failures.length === 0;
    return {
      scenario,
      verdict,
      faults,
      dir: passed && !options.keep ? undefined : dir,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await procs.killAll();
    if (passed && !options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** Fresh REST consumers until Redis holds no waiting or leased job (a few rounds at most). */
async function drain(
  procs: Processes,
  spawnChild: (name: string, role: string, opts: object) => Proc,
  url: string,
  redisPort: number,
  dir: string,
): Promise<FinalState> {
  await sleep(leaseMs + 500); // the stopped consumers' leases run out
  let final = await readFinalState(redisPort);
  for (
    let round = 1;
    round === 1 || (round <= 4 && final.ready + final.delayed + final.leased > 0);
    round++
  ) {
    if (round > 1) await sleep(leaseMs + 500);
    const opts: ConsumerOptions = {
      name: `drain-${round}`,
      mode: "rest",
      url,
      queue: queueName,
      log: join(dir, `consumer-drain-${round}.jsonl`),
      leaseSeconds,
      concurrency: 4,
      maxWorkMs: 1,
      maxRunMs: 60_000,
      stopAfterEmptyPolls: 2,
    };
    const proc = spawnChild(opts.name, "consumer", opts);
    await bounded(proc.exited, 65_000);
    await procs.kill9(proc);
    final = await readFinalState(redisPort);
  }
  return final;
}

async function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Polls a condition of the logs (files written by other processes: no event to wait on). */
async function waitUntil(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await sleep(50);
}
