import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { text } from "node:stream/consumers";
import { CliError } from "./cli-error.ts";
import { type ServerAddress, type ServerFlags, serverAddress } from "./server-flags.ts";

export interface RestAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * The CLI's REST calls: REST keeps payloads byte for byte (RPC would re-encode them through
 * google.protobuf.Value), which matters for push, import and export. node:http(s) rather than
 * fetch: fetch has no per-request CA without undici's own Agent, and --ca must work.
 */
export function createRestClient(flags: ServerFlags) {
  const address = serverAddress(flags);
  const { baseUrl } = address;
  return {
    ...address,
    async request(
      method: string,
      path: string,
      body?: string,
      headers: Record<string, string> = {},
    ): Promise<RestAnswer> {
      const sent: Record<string, string> = { ...headers };
      if (body !== undefined) {
        sent["content-type"] = "application/json";
        // node:http sends a DELETE body without a length (nor chunked), which is malformed.
        sent["content-length"] = String(Buffer.byteLength(body));
      }
      if (address.apiKey !== undefined) sent.authorization = `Bearer ${address.apiKey}`;
      let response: IncomingMessage;
      try {
        response = await send(address, method, path, sent, body);
      } catch (error) {
        throw unreachable(baseUrl, error);
      }
      const answer = await text(response);
      const status = response.statusCode ?? 0;
      if (status >= 400) throw refusal(method, path, status, answer);
      return { status, headers: headersOf(response), text: answer };
    },
  };
}

/** A request presque answered with an error status (the rest of the CLI's errors are not answers). */
export class RestRefusal extends CliError {
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

export const queuePath = (queue: string) => encodeURIComponent(queue);

function send(
  address: ServerAddress,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<IncomingMessage> {
  const url = new URL(`${address.baseUrl}${path}`);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: address.ca }, resolve);
    req.on("error", reject);
    req.end(body);
  });
}

function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/** 401 and 403 say what to do about the key; the rest name the request and the server's message. */
function refusal(method: string, path: string, status: number, body: string): RestRefusal {
  let message = body;
  try {
    message = (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {}
  if (status === 401) {
    return new RestRefusal(`unauthenticated: ${message} (set --api-key or PRESQUE_API_KEY)`, status);
  }
  if (status === 403) return new RestRefusal(`permission_denied: ${message}`, status);
  return new RestRefusal(`${method} ${path}: ${status} ${message}`, status);
}

function unreachable(baseUrl: string, error: unknown): CliError {
  const code = (error as { code?: string }).code ?? (error as Error).message;
  if (/CERT|SIGNATURE|SELF_SIGNED|HOSTNAME|ALTNAME/.test(code)) {
    return new CliError(
      `cannot verify presque's certificate at ${baseUrl} (${code}); set --ca FILE or PRESQUE_CA to its CA`,
    );
  }
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "EPROTO") {
    return new CliError(`presque at ${baseUrl} does not speak TLS (${code}); use an http:// URL`);
  }
  return new CliError(`cannot reach presque at ${baseUrl} (${code}); set --url or PRESQUE_URL`);
}
