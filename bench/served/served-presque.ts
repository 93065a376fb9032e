import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ListeningProcess, startListening } from "./listening-process.ts";

const bin = fileURLToPath(new URL("../../bin/presque.js", import.meta.url));

/** The Node flags `npm start` gives presque (V8 heap sizing, see README "Memory"): served alike here. */
const startFlags = (): string[] => {
  const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  const flags = /exec node ((?:--\S+ )*)bin\/presque\.js/.exec(packageJson.scripts.start)?.[1];
  if (flags === undefined)
    throw new Error("package.json's start script no longer runs `exec node … bin/presque.js`");
  return flags.trim().split(" ").filter(Boolean);
};

/** Each presque the bench serves gets a key prefix of its own, so runs do not see each other's jobs. */
let served = 0;

/**
 * `presque serve --port 0 --host 127.0.0.1` in a process of its own, with `npm start`'s Node flags,
 * on the bench's Redis, with request logging off (a log line per request would be measured too).
 * `extraArgs` e.g. ["--workers", "2"].
 */
export function servePresque(redisUrl: string, extraArgs: string[] = []): Promise<ListeningProcess> {
  served++;
  return startListening(
    `presque serve ${extraArgs.join(" ")}`.trim(),
    [...startFlags(), bin, "serve", "--port", "0", "--host", "127.0.0.1", ...extraArgs],
    { REDIS_URL: redisUrl, PRESQUE_LOG_REQUESTS: "false", PRESQUE_PREFIX: `bench-served-${served}` },
  );
}

/** The ceiling servers of bench/ceilings/, by file name. */
export function serveCeiling(
  name: "bare-http" | "http-plus-redis" | "bare-http2" | "noop-connect",
  redisUrl: string,
): Promise<ListeningProcess> {
  const file = fileURLToPath(new URL(`../ceilings/${name}.ts`, import.meta.url));
  // on presque's Node flags too: the ratios compare code, not V8 heap settings
  return startListening(name, [...startFlags(), file], { REDIS_URL: redisUrl });
}
