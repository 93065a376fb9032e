import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { readScripts } from "./script-loader.ts";

/** What readiness and metrics ask of Redis: does it answer, and does it know the scripts. */
export interface RedisHealth {
  /** A PING; resolves with its round-trip time in seconds. */
  ping(): Promise<number>;
  /** Loads the scripts Redis lost (restart, SCRIPT FLUSH), so the next call needs no EVAL fallback. */
  loadMissingScripts(): Promise<void>;
}

export function createRedisHealth(redis: Redis): RedisHealth {
  const scripts = readScripts().map((script) => ({
    lua: script.lua,
    sha: createHash("sha1").update(script.lua).digest("hex"),
  }));
  return {
    async ping() {
      const started = process.hrtime.bigint();
      await redis.ping();
      return Number(process.hrtime.bigint() - started) / 1e9;
    },
    async loadMissingScripts() {
      const exists = (await redis.script("EXISTS", ...scripts.map((s) => s.sha))) as number[];
      for (const [i, script] of scripts.entries())
        if (exists[i] !== 1) await redis.script("LOAD", script.lua);
    },
  };
}
