import { setTimeout as sleep } from "node:timers/promises";
import type { FaultLine } from "./log-lines.ts";
import type { PresqueProcess } from "./presque-process.ts";
import type { Proc, Processes } from "./processes.ts";
import type { RedisProcess } from "./redis-process.ts";

/** One fault of a scenario, `atMs` after the load started. */
export interface FaultStep {
  atMs: number;
  /** kill -9 (then restart after downMs), or SIGSTOP (then SIGCONT after downMs). */
  kind: "kill" | "stop";
  /** "presque", "redis", or a consumer's name. */
  target: string;
  downMs: number;
}

/** What a fault needs to reach: the processes of a running scenario. */
export interface Cluster {
  procs: Processes;
  redis: RedisProcess;
  presque: PresqueProcess;
  consumer(name: string): Proc;
  /** Resolves once the consumer has taken jobs (bounded), so that a fault hits one at work. */
  busy(name: string): Promise<void>;
  /** A fresh consumer in place of a killed one (same role, new name, new log). */
  replaceConsumer(name: string): void;
}

/** Causes the fault and undoes it; resolves with when the target was down and up again. */
export async function applyFault(step: FaultStep, cluster: Cluster): Promise<FaultLine> {
  const { target, kind } = step;
  const proc =
    target === "presque"
      ? cluster.presque.current()
      : target === "redis"
        ? cluster.redis.current()
        : cluster.consumer(target);
  if (target !== "presque" && target !== "redis") await cluster.busy(target);
  const at = Date.now();
  if (kind === "stop") {
    proc.child.kill("SIGSTOP");
    await sleep(step.downMs);
    proc.child.kill("SIGCONT");
    return { ev: "fault", kind, target, at, until: Date.now() };
  }
  await cluster.procs.kill9(proc);
  await sleep(step.downMs);
  const until = Date.now(); // from here on it may answer again
  if (target === "presque") await cluster.presque.restart();
  else if (target === "redis") await cluster.redis.restart();
  else cluster.replaceConsumer(target);
  return { ev: "fault", kind, target, at, until };
}

export const describeFault = (step: FaultStep) =>
  `${step.kind === "kill" ? "kill -9" : "SIGSTOP"} ${step.target} at +${step.atMs / 1000} s` +
  ` (${step.kind === "kill" ? "restarted" : "SIGCONT"} after ${step.downMs / 1000} s)`;
