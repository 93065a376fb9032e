import type { TestProject } from "vitest/node";
import { startThrowawayRedis } from "./throwaway-redis.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** A throwaway redis-server shared by the whole run; tests isolate themselves by key prefix. */
    redisUrl: string;
  }
}

/** One real redis-server for the whole test run (see throwaway-redis.ts), stopped at the end. */
export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const redis = await startThrowawayRedis("test");
  provide("redisUrl", redis.url);
  return () => redis.stop();
}
