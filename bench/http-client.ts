import { Agent, request } from "node:http";

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface KeepAliveClient {
  send(method: string, path: string, body?: string): Promise<HttpReply>;
  close(): void;
}

/**
 * HTTP/1.1 with keep-alive: `sockets` connections are opened once and reused, as a pool of REST
 * clients would. node:http rather than fetch, whose per-request overhead in the same process
 * would be counted against the server.
 */
export function createKeepAliveClient(baseUrl: string, sockets: number): KeepAliveClient {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  return {
    send(method, path, body) {
      return new Promise((resolve, reject) => {
        const req = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method,
            path,
            headers: body === undefined ? {} : { "content-type": "application/json" },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("error", reject);
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks).toString("utf8"),
              }),
            );
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** Fails loudly on an unexpected status: a benchmark that counts errors as jobs would lie. */
export function expectStatus(reply: HttpReply, ...expected: number[]): HttpReply {
  if (!expected.includes(reply.status)) {
    throw new Error(`unexpected HTTP ${reply.status}: ${reply.body.slice(0, 200)}`);
  }
  return reply;
}
