import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * API keys: a random secret given to the client once, and its SHA-256 in the config. The
 * secrets are 256 random bits, so a fast hash is enough (no password stretching needed: there
 * is nothing to guess from a dictionary), and checking one costs about a microsecond.
 */
export interface ApiKeyEntry {
  /** Who holds it (logs, audit lines, mTLS certificate names). */
  name: string;
  /** `sha256:<64 hex digits>` of the secret. */
  hash: string;
  /** Scope texts (`consume:billing.*`); see scope.ts. */
  scopes: string[];
}

const secretPrefix = "pq_";
export const hashPattern = /^sha256:[0-9a-f]{64}$/;
export const keyNamePattern = /^[A-Za-z0-9_.@-]{1,64}$/;

export function newSecret(): string {
  return secretPrefix + randomBytes(32).toString("base64url");
}

export function hashSecret(secret: string): string {
  return `sha256:${createHash("sha256").update(secret).digest("hex")}`;
}

/** The digest of a stored `sha256:` hash, for constant-time comparison. */
export function digestOf(hash: string): Buffer {
  return Buffer.from(hash.slice("sha256:".length), "hex");
}

/**
 * Which of the digests the secret hashes to, comparing with every one in constant time (no
 * early exit), so the time taken says nothing about how close a guess was.
 */
export function findDigest(secret: string, digests: readonly Buffer[]): number {
  const presented = createHash("sha256").update(secret).digest();
  let found = -1;
  for (let i = 0; i < digests.length; i++) {
    if (timingSafeEqual(presented, digests[i] as Buffer) && found === -1) found = i;
  }
  return found;
}
