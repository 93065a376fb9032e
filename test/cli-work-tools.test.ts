import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProgressBar } from "../src/cli/progress-bar.ts";
import { curl, json } from "./support/curl.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

const execFileAsync = promisify(execFile);
const bin = new URL("../bin/presque.js", import.meta.url).pathname;

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), "presque-tools-"));
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** `presque <args>` against the test server (through PRESQUE_URL, as a user would set it). */
const presque = (...args: string[]) =>
  execFileAsync(process.execPath, [bin, ...args], { env: { ...process.env, PRESQUE_URL: server.baseUrl } });
const failing = (...args: string[]) =>
  presque(...args).then(
    () => ({ code: 0, stderr: "" }),
    (error: { code: number; stderr: string }) => error,
  );

describe("presque push, pop and stats", () => {
  it("pushes a payload byte for byte, pops it back, and says when the queue is empty", async () => {
    const payload = '{"big": 12345678901234567890, "b": 1, "a": 2}';
    const pushed = await presque("push", "cli-q", payload, "--priority", "5");
    expect(pushed.stdout.trim()).toMatch(/^\d+$/);
    expect((await presque("pop", "cli-q")).stdout).toBe(`${payload}\n`);
    expect(await failing("pop", "cli-q")).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("empty"),
    });
  });

  it("prints a table of queue counts, or the JSON with --json", async () => {
    await presque("push", "cli-stats", "1");
    await presque("push", "cli-stats", "2");
    const table = (await presque("stats", "cli-stats")).stdout.split("\n");
    expect(table[0]).toMatch(/^queue\s+ready\s+delayed\s+in_flight\s+dead\s+processed\s+failed\s+state$/);
    expect(table[1]).toMatch(/^cli-stats\s+2\s+0\s+0\s+0\s+0\s+0\s+started$/);
    expect(JSON.parse((await presque("stats", "--json")).stdout).queues).toContainEqual(
      expect.objectContaining({ queue: "cli-stats", ready: 2 }),
    );
  });

  it("names the server it could not reach", async () => {
    const result = await execFileAsync(process.execPath, [bin, "stats", "--url", "http://127.0.0.1:1"]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("cannot reach presque at http://127.0.0.1:1"),
    });
  });
});

describe("presque import and export", () => {
  it("moves jobs out to NDJSON and back in, payloads unchanged, quietly when not on a terminal", async () => {
    const lines = Array.from({ length: 1200 }, (_, i) => `{"n":${i},"pad":"${"x".repeat(i % 7)}"}`);
    const source = join(dir, "in.ndjson");
    await writeFile(source, `${lines.join("\n")}\n\n`);
    const imported = await presque("import", "cli-move", source);
    expect(imported.stderr).toBe("imported 1200 jobs into cli-move\n");
    expect(json(await curl(`${server.baseUrl}/j/cli-move`))).toMatchObject({ ready: 1200 });

    const target = join(dir, "out.ndjson");
    const exported = await presque("export", "cli-move", target);
    expect(exported.stderr).toBe("exported 1200 jobs from cli-move\n");
    expect((await readFile(target, "utf8")).trimEnd().split("\n")).toEqual(lines);
    expect(json(await curl(`${server.baseUrl}/j/cli-move`))).toMatchObject({
      ready: 0,
      in_flight: 0,
      processed: 1200,
    });
  });

  it("stops at a line that is not JSON and says which one", async () => {
    const source = join(dir, "bad.ndjson");
    await writeFile(source, '{"ok":1}\nnot json\n');
    expect(await failing("import", "cli-bad", source)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("line 2 is not JSON"),
    });
  });
});

describe("the progress bar", () => {
  it("draws on a terminal only, and ends with the total", () => {
    const drawn: string[] = [];
    const terminal = { isTTY: true, columns: 60, write: (text: string) => void drawn.push(text) };
    const bar = createProgressBar("import q", 10, terminal);
    bar.update(5);
    bar.finish(10);
    expect(drawn[0]).toMatch(/^\rimport q \[#+\.+\] 5\/10 50%$/);
    expect(drawn.at(-1)).toMatch(/^\rimport q \[#+\] 10\/10 100%\n$/);

    const piped: string[] = [];
    const quiet = createProgressBar("import q", 10, {
      isTTY: false,
      write: (text: string) => void piped.push(text),
    });
    quiet.update(5);
    quiet.finish(10);
    expect(piped).toEqual([]);
  });
});
