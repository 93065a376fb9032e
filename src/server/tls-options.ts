import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import tls from "node:tls";
import type { TlsConfig } from "../config/config.ts";
import { ConfigError } from "../config/config-error.ts";

/** What the one port serves TLS with: PEM text, as tls.createSecureContext takes it. */
export interface TlsCredentials {
  /** The server's certificate chain (its own certificate first). */
  cert: Buffer | string;
  key: Buffer | string;
  /** CA certificates a client certificate must chain to (mTLS); none asked for when absent. */
  ca?: Buffer | string;
}

/**
 * Reads and checks the PEM files tls.cert, tls.key and tls.client_ca name. Every error says which
 * setting and file is wrong, so a start or a SIGHUP reload can print it as is; undefined when TLS
 * is not configured.
 */
export async function readTlsCredentials(config: TlsConfig): Promise<TlsCredentials | undefined> {
  if (config.cert === undefined || config.key === undefined) return undefined;
  const cert = await readPem("tls.cert", config.cert);
  const key = await readPem("tls.key", config.key);
  const ca = config.clientCa === undefined ? undefined : await readPem("tls.client_ca", config.clientCa);
  check("tls.cert", config.cert, "a PEM certificate", () => new X509Certificate(cert));
  check("tls.key", config.key, "a PEM private key", () => createPrivateKey(key));
  if (ca !== undefined && config.clientCa !== undefined) {
    check("tls.client_ca", config.clientCa, "a PEM certificate", () => new X509Certificate(ca));
  }
  try {
    tls.createSecureContext({ cert, key, ca });
  } catch (error) {
    throw new ConfigError(
      `tls.cert ${config.cert} and tls.key ${config.key} cannot be used together: ${(error as Error).message}`,
    );
  }
  return ca === undefined ? { cert, key } : { cert, key, ca };
}

async function readPem(setting: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new ConfigError(
      `${setting} ${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function check(setting: string, file: string, expected: string, parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    throw new ConfigError(`${setting} ${file}: not ${expected} (${(error as Error).message})`);
  }
}
