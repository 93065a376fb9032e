import type { ChainableCommander, Redis } from "ioredis";
import { type KeySpace, queueScriptKeys } from "./keys.ts";
import type { QueueSettings } from "./queue-settings.ts";
import { runInPipeline, runScript, type ScriptName } from "./script-loader.ts";

/** Runs the per-queue scripts with the common keys and arguments of lua/includes/queue.lua. */
export interface QueueScripts {
  /** `extraKeys` follow the common eight (KEYS[9], ...), for scripts that need more. */
  run(name: ScriptName, queue: string, args: (string | number)[], extraKeys?: string[]): Promise<unknown>;
  queueOn(pipeline: ChainableCommander, name: ScriptName, queue: string, args: (string | number)[]): void;
}

export function createQueueScripts(redis: Redis, keys: KeySpace, defaults: QueueSettings): QueueScripts {
  const defaultsJson = JSON.stringify(defaults);
  const common = (queue: string) => {
    const q = keys.queue(queue);
    return {
      keys: queueScriptKeys(q),
      args: [q.jobPrefix, q.idemPrefix, keys.wakeChannel, queue, defaultsJson],
    };
  };
  return {
    run(name, queue, args, extraKeys = []) {
      const c = common(queue);
      return runScript(redis, name, [...c.keys, ...extraKeys], [...c.args, ...args]);
    },
    queueOn(pipeline, name, queue, args) {
      const c = common(queue);
      runInPipeline(pipeline, name, c.keys, [...c.args, ...args]);
    },
  };
}
