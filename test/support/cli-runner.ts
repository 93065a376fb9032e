import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const bin = new URL("../../bin/presque.js", import.meta.url).pathname;

/** The real `presque` CLI against a server: `cli` for runs that succeed, `failing` for the others. */
export function cliAgainst(server: { readonly url: string }) {
  const cli = (...args: string[]) =>
    run(process.execPath, [bin, ...args], { env: { ...process.env, PRESQUE_URL: server.url } });
  /** The exit code and output of a run that is meant to fail. */
  const failing = (...args: string[]) =>
    cli(...args).then(
      (done) => ({ code: 0, ...done }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  return { cli, failing };
}
