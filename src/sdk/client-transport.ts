import type { Interceptor, Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";

export interface ClientTransportOptions {
  /** Without a trailing slash. */
  baseUrl: string;
  protocol?: "connect" | "grpc";
  httpVersion?: "1.1" | "2";
  apiKey?: string;
  ca?: string | Buffer;
  /** Run after the API key's interceptor, on every call. */
  interceptors?: Interceptor[];
}

/** The transport every service client of one PresqueClient shares, and how to close it. */
export interface ClientTransport {
  transport: Transport;
  close(): void;
}

/**
 * Adds `authorization: Bearer <key>` to every call, unary and streaming: gRPC carries it as
 * metadata, Connect as the HTTP header, and presque reads either.
 */
export function bearerInterceptor(apiKey: string): Interceptor {
  const value = `Bearer ${apiKey}`;
  return (next) => (request) => {
    request.header.set("authorization", value);
    return next(request);
  };
}

/**
 * Answers not worth gzip: an enqueue's answer is a list of ids, where gzip would cost presque and
 * the client more CPU than the bytes it saves (EnqueueBatch's ids pass connect's 1 KiB threshold);
 * a Subscribe stream's messages are one job each, or the many jobs of one refill of credit
 * (max_jobs_per_event), which would pass it too and pay a new zlib stream per message, on both
 * ends, for every refill. Other answers (fetched jobs) stay compressed as usual.
 */
const uncompressed = new Set(["Enqueue", "EnqueueBatch", "Subscribe"]);
const plainAnswers: Interceptor = (next) => (request) => {
  if (uncompressed.has(request.method.name)) {
    request.header.delete("accept-encoding");
    request.header.delete("connect-accept-encoding");
    request.header.delete("grpc-accept-encoding");
  }
  return next(request);
};

export function createClientTransport(options: ClientTransportOptions): ClientTransport {
  const { baseUrl, apiKey, ca } = checkSecurity(options);
  const interceptors = [
    plainAnswers,
    ...(apiKey === undefined ? [] : [bearerInterceptor(apiKey)]),
    ...(options.interceptors ?? []),
  ];
  // `ca` replaces Node's bundled roots for this client only: a private CA, not the whole process.
  const tls = ca === undefined ? undefined : { ca };
  const http2 = options.protocol === "grpc" || options.httpVersion === "2";
  if (!http2) {
    const transport = createConnectTransport({ baseUrl, httpVersion: "1.1", nodeOptions: tls, interceptors });
    return { transport, close: () => {} };
  }
  // With a session manager the transport ignores nodeOptions: the TLS options go to the manager.
  const sessionManager = new Http2SessionManager(baseUrl, undefined, tls);
  const transport =
    options.protocol === "grpc"
      ? createGrpcTransport({ baseUrl, sessionManager, interceptors })
      : createConnectTransport({ baseUrl, httpVersion: "2", sessionManager, interceptors });
  return { transport, close: () => sessionManager.abort() };
}

/** Mistakes that would otherwise show up as a confusing 401 or a key sent in clear text. */
function checkSecurity(options: ClientTransportOptions): ClientTransportOptions {
  const { apiKey, ca, baseUrl } = options;
  if (apiKey !== undefined && (typeof apiKey !== "string" || !/^[\x21-\x7e]+$/.test(apiKey))) {
    throw new TypeError("apiKey must be the key's secret (pq_...), without spaces or line breaks");
  }
  if (ca !== undefined) {
    if (typeof ca !== "string" && !Buffer.isBuffer(ca)) {
      throw new TypeError("ca must be PEM text (a string or a Buffer), e.g. readFileSync('ca.pem')");
    }
    if (!baseUrl.startsWith("https://")) {
      throw new TypeError(`ca is for https:// URLs, but baseUrl is ${baseUrl}`);
    }
  }
  return options;
}
