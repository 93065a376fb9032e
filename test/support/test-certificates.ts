import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The PEM files of one certificate and its private key. */
export interface CertificateFiles {
  cert: string;
  key: string;
}

/** A throwaway PKI for presque's TLS port (and a TLS redis-server's), made with the openssl command (EC P-256, one day). */
export interface TestCertificates {
  /** The CA that signed the server and the client certificates: tls.client_ca, and what clients trust. */
  ca: string;
  /** For 127.0.0.1 and localhost (subjectAltName), signed by `ca`. */
  server: CertificateFiles;
  /** CN=billing-worker, signed by `ca`. */
  client: CertificateFiles;
  /** Also CN=billing-worker, but signed by a CA presque does not trust. */
  strangerClient: CertificateFiles;
  /** The CA that signed strangerClient and nothing else: trusting only it must fail verification. */
  otherCa: string;
  /** Another server certificate from `ca` (e.g. the one a reload swaps in). */
  serverCertificate(name: string): Promise<CertificateFiles>;
  remove(): Promise<void>;
}

export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), "presque-tls-"));
  const file = (name: string) => join(dir, name);
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const selfSignedCa = async (name: string) => {
    await run("openssl", [
      ...["req", "-x509", ...newKey, "-days", "1", "-subj", `/CN=${name}`],
      ...["-keyout", file(`${name}.key`), "-out", file(`${name}.crt`)],
    ]);
  };
  async function signed(name: string, ca: string, cn: string, extensions: string): Promise<CertificateFiles> {
    const files = { cert: file(`${name}.crt`), key: file(`${name}.key`) };
    await run("openssl", [
      ...["req", ...newKey, "-subj", `/CN=${cn}`, "-keyout", files.key, "-out", file(`${name}.csr`)],
    ]);
    await writeFile(file(`${name}.ext`), extensions);
    await run("openssl", [
      ...["x509", "-req", "-in", file(`${name}.csr`), "-days", "1", "-extfile", file(`${name}.ext`)],
      ...["-CA", file(`${ca}.crt`), "-CAkey", file(`${ca}.key`), "-out", files.cert],
      // A random serial, not a serial file: certificates are signed concurrently.
      ...["-set_serial", `0x${randomBytes(8).toString("hex")}`],
    ]);
    return files;
  }
  const serverExtensions = "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n";
  const clientExtensions = "extendedKeyUsage=clientAuth\n";
  const made = async <T>(what: Promise<T>): Promise<T> => {
    try {
      return await what;
    } catch (error) {
      throw new Error(`openssl could not make the test certificates: ${(error as Error).message}`);
    }
  };
  try {
    await made(Promise.all([selfSignedCa("ca"), selfSignedCa("other-ca")]));
    const [server, client, strangerClient] = await made(
      Promise.all([
        signed("server", "ca", "presque", serverExtensions),
        signed("client", "ca", "billing-worker", clientExtensions),
        signed("stranger-client", "other-ca", "billing-worker", clientExtensions),
      ]),
    );
    return {
      ca: file("ca.crt"),
      otherCa: file("other-ca.crt"),
      server,
      client,
      strangerClient,
      serverCertificate: (name) => made(signed(name, "ca", "presque", serverExtensions)),
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
