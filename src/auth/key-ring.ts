import { type ApiKeyEntry, digestOf, findDigest } from "./api-key.ts";
import { type Grant, grantOf } from "./grant.ts";

/** The configured keys, swapped whole on reload (SIGHUP). */
export interface KeyRing {
  /** The grant of the key this secret belongs to, or undefined. Constant time in the secret. */
  bySecret(secret: string): Grant | undefined;
  /** The grant of a key by name (a client certificate's CN names its key). */
  byName(name: string): Grant | undefined;
  readonly size: number;
  replace(entries: readonly ApiKeyEntry[]): void;
}

export function createKeyRing(entries: readonly ApiKeyEntry[]): KeyRing {
  let digests: Buffer[] = [];
  let grantsInOrder: Grant[] = [];
  let byName = new Map<string, Grant>();
  const ring: KeyRing = {
    bySecret(secret) {
      const index = findDigest(secret, digests);
      return index === -1 ? undefined : grantsInOrder[index];
    },
    byName: (name) => byName.get(name),
    get size() {
      return digests.length;
    },
    replace(next) {
      grantsInOrder = next.map((entry) => grantOf(entry.name, entry.scopes));
      digests = next.map((entry) => digestOf(entry.hash));
      byName = new Map(next.map((entry, i) => [entry.name, grantsInOrder[i] as Grant]));
    },
  };
  ring.replace(entries);
  return ring;
}
