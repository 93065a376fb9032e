import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface CurlResult {
  status: number;
  /** Lower-cased header names; the last value wins. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Runs the real curl binary, as the README tells users to, and splits its answer.
 * Pass curl's own arguments: curl("-X", "POST", url, "-d", "{...}").
 */
export async function curl(...args: string[]): Promise<CurlResult> {
  const { stdout } = await run("curl", ["-sS", "-i", "--max-time", "30", ...args], {
    encoding: "buffer",
    maxBuffer: 64 * 1024 * 1024,
  });
  const text = stdout.toString("utf8");
  // With -i, curl prints every response head (e.g. "100 Continue" first); the last one counts.
  let rest = text;
  let head = "";
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    head = end === -1 ? rest : rest.slice(0, end);
    rest = end === -1 ? "" : rest.slice(end + 4);
    if (!/^HTTP\/[\d.]+ 1\d\d/.test(head)) break;
  }
  const [statusLine = "", ...headerLines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body: rest };
}

export const json = (result: CurlResult): unknown => JSON.parse(result.body);
