import { readdirSync, readFileSync } from "node:fs";
import type { ChainableCommander, Redis } from "ioredis";
import { replyCodesLua } from "./reply-codes.ts";

const luaDir = new URL("./lua/", import.meta.url);
const includeLine = /^-- @include "([a-z-]+)"$/gm;

/** Names of the scripts in lua/, without the `-<numKeys>.lua` suffix. */
export type ScriptName =
  | "enqueueJobs"
  | "enqueueEach"
  | "fetchJobs"
  | "ackJobs"
  | "nackJob"
  | "extendLease"
  | "promoteDue"
  | "purgeQueue"
  | "setStopped"
  | "getQueueInfo"
  | "readJobs"
  | "rangeJobs"
  | "releaseJobs"
  | "beatWorker"
  | "removeWorker"
  | "redriveDead"
  | "deleteDead"
  | "promoteJob"
  | "dropQueue"
  | "fireSchedule"
  | "putSchedule"
  | "deleteSchedule";

export interface Script {
  name: ScriptName;
  numberOfKeys: number;
  lua: string;
}

/** Expands `-- @include "x"` lines with lua/includes/x.lua, each include once per script. */
function expandIncludes(source: string, seen: Set<string>): string {
  return source.replace(includeLine, (_line, name: string) => {
    if (seen.has(name)) return "";
    seen.add(name);
    const included = readFileSync(new URL(`includes/${name}.lua`, luaDir), "utf8");
    return expandIncludes(included, seen);
  });
}

/**
 * Reads every `verbNoun-<numKeys>.lua` script, its key count taken from the file name, with the
 * reply-code table (reply-codes.ts) in front.
 */
export function readScripts(): Script[] {
  return readdirSync(luaDir)
    .filter((file) => file.endsWith(".lua"))
    .map((file) => {
      const match = /^([A-Za-z]+)-(\d+)\.lua$/.exec(file);
      if (!match?.[1] || !match[2]) throw new Error(`lua script ${file} is not named verbNoun-<numKeys>.lua`);
      const source = readFileSync(new URL(file, luaDir), "utf8");
      return {
        name: match[1] as ScriptName,
        numberOfKeys: Number(match[2]),
        lua: replyCodesLua() + expandIncludes(source, new Set()),
      };
    });
}

/**
 * Registers the scripts on a connection with ioredis `defineCommand`, which sends EVALSHA and
 * falls back to EVAL once when Redis does not know the script yet (e.g. after a restart).
 */
export function loadScripts(redis: Redis, scripts: Script[] = readScripts()): void {
  for (const script of scripts) {
    redis.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }
}

type ScriptCommand<R> = (...args: (string | number)[]) => R;

/** Runs a registered script: with runInPipeline, the only code that reaches ioredis' dynamic commands. */
export function runScript(
  redis: Redis,
  name: ScriptName,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  const command = (redis as unknown as Record<ScriptName, ScriptCommand<Promise<unknown>>>)[name];
  return command.call(redis, ...keys, ...args);
}

/** Queues a registered script on a pipeline; its reply comes with the pipeline's exec(). */
export function runInPipeline(
  pipeline: ChainableCommander,
  name: ScriptName,
  keys: string[],
  args: (string | number)[],
): void {
  const command = (pipeline as unknown as Record<ScriptName, ScriptCommand<unknown>>)[name];
  command.call(pipeline, ...keys, ...args);
}
