import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliAgainst } from "./support/cli-runner.ts";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";

const presque = useTestServer();
const { cli, failing } = cliAgainst(presque);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "presque-edges-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the CLI's edges", () => {
  it("prints its version with --version and -v", async () => {
    const { version } = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
    expect((await cli("--version")).stdout).toBe(`presque ${version}\n`);
    expect((await cli("-v")).stdout).toBe(`presque ${version}\n`);
  });

  it("prints a command's help with `presque help <command>`, as `<command> --help` does", async () => {
    for (const command of ["serve", "push", "dead", "schedules", "purge"]) {
      const viaHelp = (await cli("help", command)).stdout;
      expect(viaHelp).toMatch(new RegExp(`^Usage: presque ${command}`));
      expect(viaHelp).toBe((await cli(command, "--help")).stdout);
    }
    expect(await failing("help", "nope")).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^presque: unknown command "nope"/),
    });
  });

  it("reports a missing or unreadable import file in one line", async () => {
    const missing = join(dir, "missing.ndjson");
    expect(await failing("import", "edges-import", missing)).toMatchObject({
      code: 1,
      stderr: `presque: cannot read ${missing}: no such file\n`,
    });
    expect(await failing("import", "edges-import", dir)).toMatchObject({
      code: 1,
      stderr: `presque: cannot read ${dir}: it is a directory\n`,
    });
  });

  it("starts every error line with the same prefix, from flags, the server or a command", async () => {
    const failures = await Promise.all([
      failing("push", "edges-q", "1", "--bogus"),
      failing("push", "bad/name", "1"),
      failing("pop", "edges-empty"),
      failing("serve", "--port", "99999"),
      failing("work", "--queue", "x"),
      failing("nope"),
    ]);
    for (const failure of failures) expect(failure.stderr).toMatch(/^presque: \S/);
    expect(failures.map((f) => f.code)).toEqual([2, 1, 1, 2, 2, 2]);
  });

  it("refuses an extra positional argument instead of ignoring it", async () => {
    for (const args of [
      ["stats", "edges-a", "edges-b"],
      ["pop", "edges-a", "edges-b"],
      ["push", "edges-a", "1", "2"],
      ["import", "edges-a", "file", "more"],
      ["export", "edges-a", "file", "more"],
      ["purge", "edges-a", "edges-b"],
      ["dead", "list", "edges-a", "edges-b"],
    ]) {
      expect(await failing(...args)).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/^presque: unexpected argument "/),
      });
    }
  });

  it("prints JSON with --json from push and pop, the payload byte for byte", async () => {
    const payload = '{"big": 12345678901234567890}';
    const pushed = JSON.parse((await cli("push", "edges-json", payload, "--json")).stdout);
    expect(pushed).toEqual({ id: expect.any(String), queue: "edges-json" });
    const popped = (await cli("pop", "edges-json", "--json")).stdout;
    expect(JSON.parse(popped)).toMatchObject({ id: pushed.id, queue: "edges-json", attempt: 1 });
    expect(popped).toContain(`"payload":${payload}}`);
    expect(json(await curl(`${presque.url}/j/edges-json`))).toMatchObject({ ready: 0 });
  });
});
