import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/config-error.ts";
import { readTlsCredentials } from "../src/server/tls-options.ts";
import { makeTestCertificates, type TestCertificates } from "./support/test-certificates.ts";

/* tls.cert, tls.key and tls.client_ca are read at start and on SIGHUP; a bad one says which and why. */

let certs: TestCertificates;
let notPem: string;

beforeAll(async () => {
  certs = await makeTestCertificates();
  notPem = join(certs.ca, "..", "not-a-pem.txt");
  await writeFile(notPem, "hello\n");
});
afterAll(() => certs?.remove());

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error("expected the files to be refused"),
    (error: unknown) => error as Error,
  );

describe("readTlsCredentials", () => {
  it("reads the certificate, the key and the client CA", async () => {
    const credentials = await readTlsCredentials({ ...certs.server, clientCa: certs.ca });
    expect(String(credentials?.cert)).toContain("BEGIN CERTIFICATE");
    expect(String(credentials?.key)).toContain("PRIVATE KEY");
    expect(String(credentials?.ca)).toContain("BEGIN CERTIFICATE");
  });

  it("is undefined while TLS is not configured", async () => {
    expect(
      await readTlsCredentials({ cert: undefined, key: undefined, clientCa: undefined }),
    ).toBeUndefined();
  });

  it.each(["cert", "key"] as const)(
    "a tls.%s that cannot be read is named, with its file",
    async (setting) => {
      const files = { ...certs.server, [setting]: `/nowhere/${setting}.pem` };
      const error = await rejection(readTlsCredentials({ ...files, clientCa: undefined }));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe(`tls.${setting} /nowhere/${setting}.pem: cannot read: ENOENT`);
    },
  );

  it("a file that is not PEM names the setting and the file", async () => {
    const error = await rejection(readTlsCredentials({ ...certs.server, clientCa: notPem }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(new RegExp(`^tls\\.client_ca ${notPem}: not a PEM certificate \\(`));
  });

  it("a key that is not the certificate's names both files", async () => {
    const error = await rejection(
      readTlsCredentials({ cert: certs.server.cert, key: certs.client.key, clientCa: undefined }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      new RegExp(
        `^tls\\.cert ${certs.server.cert} and tls\\.key ${certs.client.key} cannot be used together: `,
      ),
    );
  });
});
