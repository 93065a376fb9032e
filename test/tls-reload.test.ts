import { X509Certificate } from "node:crypto";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ConfigError } from "../src/config/config-error.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";
import { spawnPresque } from "./support/spawn-presque.ts";
import { makeTestCertificates, type TestCertificates } from "./support/test-certificates.ts";

/*
 * SIGHUP reads tls.cert and tls.key again (RunningPresque.reloadTls): new connections get the new
 * certificate without a restart; a bad file keeps the one in use.
 */

let certs: TestCertificates;
let server: TestServer;
/** The files presque is configured with; the tests rewrite them as an operator would. */
let served: { cert: string; key: string };

beforeAll(async () => {
  certs = await makeTestCertificates();
  served = { cert: join(certs.ca, "..", "served.crt"), key: join(certs.ca, "..", "served.key") };
  await copyFile(certs.server.cert, served.cert);
  await copyFile(certs.server.key, served.key);
  server = await startTestServer({ tls: { ...served, clientCa: undefined } });
});

afterAll(async () => {
  await server?.stop();
  await certs?.remove();
});

/** The SHA-256 fingerprint of the certificate a new TLS connection to presque is shown. */
async function servedFingerprint(port = server.port): Promise<string> {
  const socket = tls.connect({
    host: "127.0.0.1",
    port,
    ca: await readFile(certs.ca),
    servername: "localhost",
  });
  try {
    await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
    return socket.getPeerCertificate().fingerprint256;
  } finally {
    socket.destroy();
  }
}

const fingerprintOf = async (file: string) => new X509Certificate(await readFile(file)).fingerprint256;

describe("reloading the TLS certificate", () => {
  it("new connections see the certificate the files hold after reloadTls", async () => {
    expect(await servedFingerprint()).toBe(await fingerprintOf(certs.server.cert));

    const renewed = await certs.serverCertificate("renewed");
    await copyFile(renewed.cert, served.cert);
    await copyFile(renewed.key, served.key);
    await server.presque.reloadTls();

    const renewedFingerprint = await fingerprintOf(renewed.cert);
    expect(renewedFingerprint).not.toBe(await fingerprintOf(certs.server.cert));
    expect(await servedFingerprint()).toBe(renewedFingerprint);
  });

  it("a key file that is no key is refused, and the certificate in use stays", async () => {
    const before = await servedFingerprint();
    const goodKey = await readFile(served.key);
    await writeFile(served.key, "not a key\n");
    try {
      const error = await server.presque.reloadTls().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error?.message).toMatch(new RegExp(`^tls\\.key ${served.key}: not a PEM private key`));
      expect(await servedFingerprint()).toBe(before);
    } finally {
      await writeFile(served.key, goodKey);
    }
  });
});

describe("presque serve with tls.cert and tls.key", () => {
  it("says https at start, and takes the renewed certificate on SIGHUP", async () => {
    await copyFile(certs.server.cert, served.cert);
    await copyFile(certs.server.key, served.key);
    const spawned = await spawnPresque([], {
      REDIS_URL: inject("redisUrl"),
      PRESQUE_TLS_CERT: served.cert,
      PRESQUE_TLS_KEY: served.key,
    });
    try {
      const listening = await spawned.logLine(/presque listening on/);
      expect(listening).toMatch(/presque listening on https:\/\/127\.0\.0\.1:\d+/);
      const port = Number(new URL(spawned.baseUrl).port);
      expect(await servedFingerprint(port)).toBe(await fingerprintOf(certs.server.cert));

      const renewed = await certs.serverCertificate("renewed-on-sighup");
      await copyFile(renewed.cert, served.cert);
      await copyFile(renewed.key, served.key);
      spawned.child.kill("SIGHUP");
      await spawned.logLine(/reloaded \(SIGHUP\)/);
      expect(await servedFingerprint(port)).toBe(await fingerprintOf(renewed.cert));
    } finally {
      await spawned.terminate();
    }
  });
});
