import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { AuthConfig } from "../config/config.ts";
import { ConfigError } from "../config/config-error.ts";
import { apiKeys } from "../config/value-parsers.ts";
import type { ApiKeyEntry } from "./api-key.ts";

/**
 * The keys of auth.keys plus those of auth.keys_file (YAML: `keys: [...]`, or just the list),
 * read at start and on every SIGHUP. A name given twice is an error.
 */
export function loadKeyEntries(auth: AuthConfig): ApiKeyEntry[] {
  const entries = [...auth.keys];
  if (auth.keysFile !== undefined) entries.push(...readKeysFile(auth.keysFile));
  const names = new Set<string>();
  for (const entry of entries) {
    if (names.has(entry.name))
      throw new ConfigError(`API key name ${JSON.stringify(entry.name)} is used twice`);
    names.add(entry.name);
  }
  return entries;
}

function readKeysFile(file: string): ApiKeyEntry[] {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`auth.keys_file ${file}: cannot read: ${(error as Error).message}`);
  }
  if (document === null || document === undefined) return [];
  const list =
    typeof document === "object" && !Array.isArray(document) && "keys" in document
      ? (document as { keys: unknown }).keys
      : document;
  const parsed = apiKeys.parse(list);
  if (parsed === undefined) throw new ConfigError(`auth.keys_file ${file}: keys ${apiKeys.explain?.(list)}`);
  return parsed;
}
