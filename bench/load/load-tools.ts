import { onPath, runTool } from "./run-tool.ts";

/** Which external load generators this run can use. */
export interface LoadTools {
  wrk: boolean;
  h2load: boolean;
}

const packages = ["wrk", "nghttp2-client"];
const aptEnv = "DEBIAN_FRONTEND=noninteractive";

/**
 * wrk (HTTP/1.1) and h2load (HTTP/2, from nghttp2-client) generate the load from processes of their
 * own, so the load's CPU is not counted against the server. Missing ones are installed from
 * Debian's packages when the bench runs as root; otherwise their rows are skipped, and said so.
 */
export async function ensureLoadTools(say: (line: string) => void): Promise<LoadTools> {
  let tools = await findTools();
  if (tools.wrk && tools.h2load) return tools;
  if (process.getuid?.() !== 0) {
    say(
      `wrk or h2load missing and not root: rows measured with them are skipped ` +
        `(sudo apt-get install -y ${packages.join(" ")} to have them)`,
    );
    return tools;
  }
  say(`installing ${packages.join(" ")} from Debian (apt-get) ...`);
  const install = `${aptEnv} apt-get install -y -q ${packages.join(" ")}`;
  // Install first; only a stale package index needs the (slower) update.
  const first = await runTool("sh", ["-c", install], 300_000);
  if (first.code !== 0) {
    await runTool("sh", ["-c", `${aptEnv} apt-get update -q`], 300_000);
    const second = await runTool("sh", ["-c", install], 300_000);
    if (second.code !== 0) say(`apt-get install failed:\n${second.stderr.slice(-1000)}`);
  }
  tools = await findTools();
  if (!tools.wrk || !tools.h2load) say(`still missing after apt-get: ${JSON.stringify(tools)}; rows skipped`);
  return tools;
}

async function findTools(): Promise<LoadTools> {
  return { wrk: await onPath("wrk"), h2load: await onPath("h2load") };
}
