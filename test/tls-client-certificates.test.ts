import { readFileSync } from "node:fs";
import http2 from "node:http2";
import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isEncrypted, peerCertificateName } from "../src/auth/peer-certificate.ts";
import { defaultConfig } from "../src/config/config.ts";
import { createOnePortServer, type OnePortServer } from "../src/server/one-port.ts";
import { readTlsCredentials } from "../src/server/tls-options.ts";
import { testKey, withKeys } from "./support/auth-keys.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";
import {
  type CertificateFiles,
  makeTestCertificates,
  type TestCertificates,
} from "./support/test-certificates.ts";

/*
 * mTLS: presque asks for a client certificate and never requires one. One verified against
 * tls.client_ca names an API key by its CN; one from another CA names nothing.
 */

let certs: TestCertificates;
let echo: OnePortServer;
let echoPort: number;

/** What the one port tells a handler about the request's TLS, as the auth code reads it. */
interface Seen {
  encrypted: boolean;
  name: string | null;
  httpVersion: string;
}

beforeAll(async () => {
  certs = await makeTestCertificates();
  const credentials = await readTlsCredentials({
    cert: certs.server.cert,
    key: certs.server.key,
    clientCa: certs.ca,
  });
  echo = createOnePortServer(
    (req, res) => {
      const seen: Seen = {
        encrypted: isEncrypted(req),
        name: peerCertificateName(req) ?? null,
        httpVersion: req.httpVersion,
      };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(seen));
    },
    defaultConfig.limits,
    credentials,
  );
  echoPort = await echo.listen(0, "127.0.0.1");
});

afterAll(async () => {
  await echo?.close(1000);
  await certs?.remove();
});

const pem = (path: string) => readFileSync(path);
const identity = (files: CertificateFiles | undefined) =>
  files ? { cert: pem(files.cert), key: pem(files.key) } : {};

function overHttp1(port: number, path: string, client?: CertificateFiles) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = https.get(
      { host: "127.0.0.1", port, path, ca: pem(certs.ca), agent: false, ...identity(client) },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
  });
}

function overHttp2(port: number, path: string, client?: CertificateFiles) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const session = http2.connect(`https://127.0.0.1:${port}`, { ca: pem(certs.ca), ...identity(client) });
    session.on("error", reject);
    const stream = session.request({ ":path": path });
    let status = 0;
    let body = "";
    stream.setEncoding("utf8");
    stream.on("response", (headers) => {
      status = Number(headers[":status"]);
    });
    stream.on("data", (chunk: string) => {
      body += chunk;
    });
    stream.on("end", () => {
      session.close();
      resolve({ status, body });
    });
    stream.on("error", reject);
  });
}

describe.each([
  ["HTTP/1.1", overHttp1, "1.1"],
  ["h2", overHttp2, "2.0"],
])("the request's TLS socket over %s", (_name, request, httpVersion) => {
  it("names the CN of a client certificate signed by tls.client_ca", async () => {
    const seen: Seen = JSON.parse((await request(echoPort, "/", certs.client)).body);
    expect(seen).toEqual({ encrypted: true, name: "billing-worker", httpVersion });
  });

  it("names nothing without a client certificate, and the request is still served", async () => {
    const seen: Seen = JSON.parse((await request(echoPort, "/")).body);
    expect(seen).toEqual({ encrypted: true, name: null, httpVersion });
  });

  it("names nothing for a certificate with the same CN from another CA", async () => {
    const seen: Seen = JSON.parse((await request(echoPort, "/", certs.strangerClient)).body);
    expect(seen).toEqual({ encrypted: true, name: null, httpVersion });
  });
});

describe("a client certificate in place of a bearer key", () => {
  let presque: TestServer;
  beforeAll(async () => {
    presque = await startTestServer({
      ...withKeys([testKey("billing-worker", ["read:billing.*"]), testKey("mail", ["produce:mail"])]),
      tls: { cert: certs.server.cert, key: certs.server.key, clientCa: certs.ca },
    });
  });
  afterAll(() => presque?.stop());

  it("a verified certificate is the key its CN names", async () => {
    const whoami = await overHttp1(presque.port, "/auth/whoami", certs.client);
    expect(whoami.status).toBe(200);
    expect(JSON.parse(whoami.body)).toEqual({
      auth: true,
      key: "billing-worker",
      scopes: ["read:billing.*"],
    });
  });

  it("a certificate from another CA is no key at all", async () => {
    const whoami = await overHttp2(presque.port, "/auth/whoami", certs.strangerClient);
    expect(whoami.status).toBe(401);
  });
});
