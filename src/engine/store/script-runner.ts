import type { ChainableCommander, Redis } from "ioredis";
import { type KeySpace, queueScriptKeys } from "./keys.ts";
import { runInPipeline, runScript, type ScriptName } from "./script-loader.ts";

/**
 * Runs the per-queue scripts with the common keys and arguments of lua/includes/queue.lua. Only
 * the store's typed wrappers call it; they turn the raw reply into a typed one.
 */
export interface ScriptRunner {
  /** `extraKeys` follow the common eight (KEYS[9], ...), for scripts that need more. */
  run(name: ScriptName, queue: string, args: (string | number)[], extraKeys?: string[]): Promise<unknown>;
  queueOn(pipeline: ChainableCommander, name: ScriptName, queue: string, args: (string | number)[]): void;
  /** A script that is not per queue (its own keys and arguments). */
  runWithKeys(name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown>;
  /** How many calls of the script this runner has sent: round trips, for tests and benchmarks. */
  callCount(name: ScriptName): number;
}

export function createScriptRunner(redis: Redis, keys: KeySpace, defaultsJson: string): ScriptRunner {
  const common = (queue: string) => {
    const q = keys.queue(queue);
    return {
      keys: queueScriptKeys(q),
      args: [q.jobPrefix, q.idemPrefix, keys.wakeChannel, keys.dueChannel, queue, defaultsJson],
    };
  };
  const calls = new Map<ScriptName, number>();
  const count = (name: ScriptName) => calls.set(name, (calls.get(name) ?? 0) + 1);
  return {
    run(name, queue, args, extraKeys = []) {
      count(name);
      const c = common(queue);
      return runScript(redis, name, [...c.keys, ...extraKeys], [...c.args, ...args]);
    },
    queueOn(pipeline, name, queue, args) {
      count(name);
      const c = common(queue);
      runInPipeline(pipeline, name, c.keys, [...c.args, ...args]);
    },
    runWithKeys(name, scriptKeys, args) {
      count(name);
      return runScript(redis, name, scriptKeys, args);
    },
    callCount: (name) => calls.get(name) ?? 0,
  };
}

/** The replies of a pipeline, in order; the first failed command's error is thrown. */
export async function execPipeline(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}
