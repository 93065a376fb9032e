import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runTool } from "./run-tool.ts";

export interface H2loadOptions {
  /** e.g. "/presque.v1.QueueService/Enqueue" */
  path: string;
  /** The JSON body of every request (Connect unary JSON). */
  body: string;
  /** Measured for this long, after `warmupSeconds` not measured. */
  seconds: number;
  warmupSeconds: number;
  /** Streams in flight on the one connection. */
  streams: number;
  /** Where the body file is written. */
  dir: string;
}

/**
 * `h2load -D S --warm-up-time W -c 1 -m M -d body.json`: POSTs over one h2c connection (prior
 * knowledge), M streams in flight, from its own process. Timed rather than counted (-D, not -n):
 * the servers measured differ 10× in rate. Returns requests per second; throws if any request
 * failed or was answered other than 2xx.
 */
export async function runH2load(baseUrl: string, options: H2loadOptions): Promise<number> {
  const bodyFile = join(options.dir, "body.json");
  await writeFile(bodyFile, options.body);
  const args = [
    ...["-D", String(options.seconds), "--warm-up-time", String(options.warmupSeconds)],
    ...["-c", "1", "-m", String(options.streams)],
    ...["-H", "content-type: application/json", "-d", bodyFile, `${baseUrl}${options.path}`],
  ];
  const timeoutMs = (options.seconds + options.warmupSeconds + 20) * 1000;
  const { code, stdout, stderr } = await runTool("h2load", args, timeoutMs);
  if (code !== 0) throw new Error(`h2load exited with ${code}: ${stderr || stdout}`);
  const rate = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(stdout)?.[1];
  const requests =
    /requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (\d+) failed, (\d+) errored/.exec(stdout);
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(stdout);
  if (rate === undefined || !requests || !codes) throw new Error(`h2load printed no figures:\n${stdout}`);
  // At the end of -D the streams in flight are cut: "succeeded" without a status, so only the
  // failures and the non-2xx statuses are checked.
  const bad = [requests[1], requests[2], codes[2], codes[3], codes[4]].some((count) => Number(count) > 0);
  if (bad || Number(codes[1]) === 0) throw new Error(`h2load: not every request answered 2xx:\n${stdout}`);
  return Number(rate);
}
