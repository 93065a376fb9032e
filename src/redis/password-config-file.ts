import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface PasswordConfigFile {
  /** Give it to redis-server as its first argument: a config file, read again at every restart. */
  path: string;
  /** What clients send with AUTH. */
  password: string;
}

/**
 * Writes a redis.conf holding only `requirepass <new random password>`, readable by its owner only.
 * A file rather than `--requirepass`, because arguments are visible to every local user in
 * `ps` and /proc/<pid>/cmdline. Any earlier file is removed first, so the new one is created with
 * mode 0600 (`wx` also refuses to follow a symlink planted in its place).
 */
export async function writePasswordConfigFile(dataDir: string): Promise<PasswordConfigFile> {
  const path = passwordConfigPath(dataDir);
  const password = randomBytes(32).toString("hex");
  await rm(path, { force: true });
  await writeFile(path, `requirepass ${password}\n`, { mode: 0o600, flag: "wx" });
  return { path, password };
}

/** Removes the file (a password left by an earlier run, or ours once redis-server has stopped). */
export async function removePasswordConfigFile(dataDir: string): Promise<void> {
  await rm(passwordConfigPath(dataDir), { force: true });
}

function passwordConfigPath(dataDir: string): string {
  return join(dataDir, "redis.conf");
}
