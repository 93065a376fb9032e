import { defaultPresqueUrl } from "../sdk/client.ts";
import { CliError } from "./cli-error.ts";

export interface RestAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * The CLI's REST calls: REST keeps payloads byte for byte (RPC would re-encode them through
 * google.protobuf.Value), which matters for push, import and export.
 */
export function createRestClient(url: string | undefined) {
  const baseUrl = (url ?? defaultPresqueUrl()).replace(/\/+$/, "");
  return {
    baseUrl,
    async request(
      method: string,
      path: string,
      body?: string,
      headers: Record<string, string> = {},
    ): Promise<RestAnswer> {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}${path}`, {
          method,
          body,
          headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        throw new CliError(`cannot reach presque at ${baseUrl} (${cause}); set --url or PRESQUE_URL`);
      }
      const text = await response.text();
      if (response.status >= 400) {
        let message = text;
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? text;
        } catch {}
        throw new CliError(`${method} ${path}: ${response.status} ${message}`);
      }
      return { status: response.status, headers: response.headers, text };
    },
  };
}

export const queuePath = (queue: string) => encodeURIComponent(queue);
