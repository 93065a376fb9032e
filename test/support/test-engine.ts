import type { Redis } from "ioredis";
import { defaultConfig, type PresqueConfig } from "../../src/config/config.ts";
import { type OpenEngine, openEngine } from "../../src/engine/open-engine.ts";

/**
 * An engine on the test Redis under its own prefix, with the reaper an hour away (so a test sees
 * only what the scripts it calls do), errors on the console; `config` overrides the rest.
 */
export function openTestEngine(
  redis: Redis,
  prefix: string,
  config: Partial<PresqueConfig> = {},
  options: { background?: boolean } = {},
): Promise<OpenEngine> {
  return openEngine({
    redis,
    config: { ...defaultConfig, prefix, reaperIntervalMs: 3_600_000, ...config },
    onError: (e) => console.error(e),
    ...options,
  });
}
