import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** PEM files of a throwaway CA and what it signed, for a TLS redis-server and its clients. */
export interface RedisTlsCertificates {
  /** The CA that signed the server and client certificates. */
  caCert: string;
  /** For 127.0.0.1 and localhost. */
  serverCert: string;
  serverKey: string;
  /** A client certificate, for a redis-server that asks for one (tls-auth-clients yes). */
  clientCert: string;
  clientKey: string;
  /** A CA that signed nothing here: trusting only it must fail verification. */
  otherCaCert: string;
  remove(): Promise<void>;
}

/** Makes a fresh CA, server and client certificates (EC P-256, one day) with the openssl command. */
export async function makeRedisTlsCertificates(): Promise<RedisTlsCertificates> {
  const dir = await mkdtemp(join(tmpdir(), "presque-redis-tls-"));
  const file = (name: string) => join(dir, name);
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const selfSignedCa = (name: string) =>
    run("openssl", [
      ...["req", "-x509", ...newKey, "-days", "1", "-subj", `/CN=${name}`],
      ...["-keyout", file(`${name}.key`), "-out", file(`${name}.crt`)],
    ]);
  async function signed(name: string, extensions: string): Promise<void> {
    await run("openssl", [
      ...["req", ...newKey, "-subj", `/CN=${name}`],
      ...["-keyout", file(`${name}.key`), "-out", file(`${name}.csr`)],
    ]);
    await writeFile(file(`${name}.ext`), extensions);
    await run("openssl", [
      ...["x509", "-req", "-in", file(`${name}.csr`), "-days", "1", "-extfile", file(`${name}.ext`)],
      ...["-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-out", file(`${name}.crt`)],
    ]);
  }
  try {
    await selfSignedCa("ca");
    await selfSignedCa("other-ca");
    await signed("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    await signed("client", "extendedKeyUsage=clientAuth\n");
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`openssl could not make the test certificates: ${(error as Error).message}`);
  }
  return {
    caCert: file("ca.crt"),
    serverCert: file("server.crt"),
    serverKey: file("server.key"),
    clientCert: file("client.crt"),
    clientKey: file("client.key"),
    otherCaCert: file("other-ca.crt"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
