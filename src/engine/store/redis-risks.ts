import type { Redis } from "ioredis";

/**
 * What in a Redis's configuration can silently lose jobs. An eviction policy other than
 * noeviction deletes keys under memory pressure (jobs, leases, counters); no persistence loses
 * everything on restart. Managed services often forbid CONFIG: then we say we could not check.
 */
export async function redisRisks(redis: Redis): Promise<string[]> {
  let config: Record<string, string>;
  try {
    const reply = (await redis.call("CONFIG", "GET", "*")) as string[];
    config = {};
    for (let i = 0; i < reply.length; i += 2) config[reply[i] as string] = reply[i + 1] as string;
  } catch (error) {
    return [
      `could not read the Redis configuration (${(error as Error).message}); check maxmemory-policy and persistence yourself`,
    ];
  }
  const risks: string[] = [];
  const policy = config["maxmemory-policy"];
  if (policy !== undefined && policy !== "noeviction") {
    risks.push(
      `maxmemory-policy is ${policy}: Redis may evict jobs under memory pressure; set it to noeviction`,
    );
  }
  if (config.appendonly !== "yes" && (config.save ?? "") === "") {
    risks.push("Redis persists nothing (appendonly no, no save points): a Redis restart loses every job");
  }
  return risks;
}
