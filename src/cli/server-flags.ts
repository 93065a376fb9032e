import { readFileSync } from "node:fs";
import type { ParseArgsOptionsConfig } from "node:util";
import { defaultPresqueUrl } from "../sdk/client.ts";
import { usageError } from "./cli-error.ts";
import { fileError } from "./file-error.ts";

/** The flags of every command that talks to a server (parseArgs options). */
export const serverFlagOptions = {
  url: { type: "string" },
  "api-key": { type: "string" },
  ca: { type: "string" },
} as const satisfies ParseArgsOptionsConfig;

/** Their lines in a command's usage text. */
export const serverFlagsUsage = `  --url URL                presque's address (default $PRESQUE_URL or http://localhost:5000)
  --api-key KEY            the API key's secret, when presque has keys (default $PRESQUE_API_KEY;
                           the variable keeps it out of the process list)
  --ca FILE                PEM CA certificate that signed an https:// server's (default $PRESQUE_CA)
`;

/** The same, under a heading, for commands whose usage has no options list. */
export const serverFlagsHelp = `\nConnection:\n${serverFlagsUsage}`;

export interface ServerFlags {
  url?: string;
  "api-key"?: string;
  ca?: string;
}

/** Where the server is and how to reach it, as the REST client and the SDK take it. */
export interface ServerAddress {
  baseUrl: string;
  apiKey?: string;
  /** PEM text of the CA file, only for https:// URLs. */
  ca?: Buffer;
}

/**
 * A flag wins over its variable; an empty variable counts as unset. A CA is only for https://:
 * --ca with an http:// URL is a mistake worth saying, PRESQUE_CA set for other servers is not.
 */
export function serverAddress(flags: ServerFlags): ServerAddress {
  const baseUrl = (flags.url ?? defaultPresqueUrl()).replace(/\/+$/, "");
  const apiKey = flags["api-key"] ?? (process.env.PRESQUE_API_KEY || undefined);
  if (apiKey !== undefined && !/^[\x21-\x7e]+$/.test(apiKey)) {
    throw usageError("the API key holds spaces or line breaks: give the secret alone (pq_...)");
  }
  const https = baseUrl.startsWith("https://");
  if (flags.ca !== undefined && !https) throw usageError(`--ca is for https:// URLs, not ${baseUrl}`);
  const caFile = flags.ca ?? (process.env.PRESQUE_CA || undefined);
  if (caFile === undefined || !https) return { baseUrl, apiKey };
  try {
    return { baseUrl, apiKey, ca: readFileSync(caFile) };
  } catch (error) {
    throw fileError("read", caFile, error);
  }
}
