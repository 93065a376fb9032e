import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runTool } from "./run-tool.ts";

export interface WrkOptions {
  /** e.g. "/q/bench-rest" */
  path: string;
  /** The JSON body of every request. */
  body: string;
  connections: number;
  threads: number;
  seconds: number;
  /** Where the Lua script is written. */
  dir: string;
}

/**
 * `wrk -t T -c C -d Ns -s post.lua`: keep-alive HTTP/1.1 POSTs of one body from its own process.
 * Returns requests per second; throws if any answer was not 2xx/3xx or a socket failed, since a
 * benchmark that counts errors as jobs would lie.
 */
export async function runWrk(baseUrl: string, options: WrkOptions): Promise<number> {
  const script = join(options.dir, "post.lua");
  await writeFile(
    script,
    [
      `wrk.method = "POST"`,
      `wrk.body = ${JSON.stringify(options.body)}`,
      `wrk.headers["Content-Type"] = "application/json"`,
      "",
    ].join("\n"),
  );
  const args = [
    ...["-t", String(options.threads), "-c", String(options.connections), "-d", `${options.seconds}s`],
    ...["-s", script, `${baseUrl}${options.path}`],
  ];
  const { code, stdout, stderr } = await runTool("wrk", args, (options.seconds + 20) * 1000);
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${stderr || stdout}`);
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1];
  if (rate === undefined) throw new Error(`wrk printed no Requests/sec:\n${stdout}`);
  const refused = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1];
  if (refused !== undefined) throw new Error(`wrk: ${refused} answers were not 2xx/3xx:\n${stdout}`);
  const socketErrors = /Socket errors: (.*)/.exec(stdout)?.[1];
  if (socketErrors !== undefined) throw new Error(`wrk: socket errors (${socketErrors}):\n${stdout}`);
  return Number(rate);
}
