import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";

const notFound =
  'redis-server not found: install the Debian package "redis-server" (apt-get install redis-server) ' +
  "or point presque at a Redis with --config or REDIS_URL";

/**
 * The redis-server binary to run: `explicitPath` if given, else the first executable on PATH, then in
 * /usr/sbin and /usr/bin (Debian's location, often missing from a service's PATH).
 */
export async function findRedisServer(explicitPath?: string): Promise<string> {
  const searchDirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), "/usr/sbin", "/usr/bin"];
  const candidates =
    explicitPath !== undefined ? [explicitPath] : searchDirs.map((dir) => join(dir, "redis-server"));
  for (const candidate of candidates) {
    if (await isExecutable(candidate)) return candidate;
  }
  throw new Error(notFound);
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
