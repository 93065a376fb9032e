import type http from "node:http";
import type net from "node:net";

/** What the HTTP/1.1 refusals need to know to say what went wrong. */
export interface H1RefusalLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** How long a refused peer may take to read the answer before the socket is destroyed. */
  lingerMs: number;
}

/**
 * Answers what Node refuses before (or while) a handler runs with the JSON error shape every other
 * error has: headers too large (431), headers or body not received in time (408), not HTTP (400).
 * `responding` maps a socket to the response of its latest request: a request whose headers
 * arrived has one (unfinished), so a timeout then means its body was too slow.
 */
export function answerClientErrors(
  h1: http.Server,
  responding: WeakMap<net.Socket, http.ServerResponse>,
  limits: H1RefusalLimits,
): void {
  h1.on("clientError", (error: NodeJS.ErrnoException, socket: net.Socket) => {
    const latest = responding.get(socket);
    // A finished response is the previous request's: the socket is between requests.
    const response = latest?.writableFinished ? undefined : latest;
    // Once a response has begun, another one on the same socket would corrupt it.
    if (!socket.writable || response?.headersSent) return socket.destroy();
    const { status, reason, code, message } = refusal(error.code, response !== undefined, limits);
    const body = JSON.stringify({ code, message });
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    if (response) {
      // Through the response, so the request log and the metrics see the 408 too.
      response.writeHead(status, { ...headers, connection: "close" });
      response.end(body);
    } else {
      const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.end(`HTTP/1.1 ${status} ${reason}\r\n${head.join("")}connection: close\r\n\r\n${body}`);
    }
    // A peer that never closes its side must not keep the descriptor.
    const linger = setTimeout(() => socket.destroy(), limits.lingerMs);
    socket.once("close", () => clearTimeout(linger));
  });
}

interface Refusal {
  status: number;
  reason: string;
  code: string;
  message: string;
}

function refusal(errorCode: string | undefined, headersArrived: boolean, limits: H1RefusalLimits): Refusal {
  if (errorCode === "HPE_HEADER_OVERFLOW") {
    const message = "request headers are too large";
    return { status: 431, reason: "Request Header Fields Too Large", code: "resource_exhausted", message };
  }
  if (errorCode === "ERR_HTTP_REQUEST_TIMEOUT") {
    const message = headersArrived
      ? `request body not received within ${limits.requestTimeoutMs} ms (limits.request_timeout_ms)`
      : `request headers not received within ${limits.headersTimeoutMs} ms (limits.headers_timeout_ms)`;
    return { status: 408, reason: "Request Timeout", code: "deadline_exceeded", message };
  }
  return { status: 400, reason: "Bad Request", code: "invalid_argument", message: "malformed HTTP request" };
}
