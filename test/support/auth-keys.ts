import { type ApiKeyEntry, hashSecret, newSecret } from "../../src/auth/api-key.ts";
import type { Verb } from "../../src/auth/scope.ts";
import { defaultConfig, type PresqueConfig } from "../../src/config/config.ts";
import { curl } from "./curl.ts";
import type { TestServer } from "./presque-server.ts";

/** A key for a test server: its secret (what clients send) and its config entry. */
export interface TestKey {
  secret: string;
  entry: ApiKeyEntry;
}

export function testKey(name: string, scopes: string[]): TestKey {
  const secret = newSecret();
  return { secret, entry: { name, hash: hashSecret(secret), scopes } };
}

/** The config overrides of a server with these keys (auth on). */
export function withKeys(keys: TestKey[], auth: Partial<PresqueConfig["auth"]> = {}): Partial<PresqueConfig> {
  return { auth: { ...defaultConfig.auth, ...auth, keys: keys.map((key) => key.entry) } };
}

/** Every verb on every queue but `verb` (admin would grant read, so it goes when read does). */
export function scopesWithout(verb: Verb): string[] {
  const kept: Verb[] = (["produce", "consume", "read", "admin"] as const).filter(
    (other) => other !== verb && !(verb === "read" && other === "admin"),
  );
  return kept.map((other) => `${other}:*`);
}

export const bearer = (key: TestKey) => ({ authorization: `Bearer ${key.secret}` });

/**
 * curl against presque with a key and a JSON content type (with auth on, curl -d's form type is
 * refused with 415); `args` are curl's own.
 */
export const curlWithKey = (server: TestServer, key: TestKey | undefined, path: string, ...args: string[]) =>
  curl(
    `${server.baseUrl}${path}`,
    ...Object.entries({ ...(key ? bearer(key) : {}), "content-type": "application/json" }).flatMap(
      ([name, value]) => ["-H", `${name}: ${value}`],
    ),
    ...args,
  );
