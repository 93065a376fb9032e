import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CliError, usageError } from "../src/cli/cli-error.ts";
import { durationMs } from "../src/cli/cli-values.ts";
import { parseDurationMs } from "../src/common/durations.ts";
import { PresqueError } from "../src/errors/presque-error.ts";
import { parseDurationMs as restDurationMs } from "../src/rest/time-params.ts";
import { curl, json } from "./support/curl.ts";
import { useTestServer } from "./support/presque-server.ts";

const run = promisify(execFile);
const bin = new URL("../bin/presque.js", import.meta.url).pathname;
const presque = useTestServer();
const cli = (...args: string[]) =>
  run(process.execPath, [bin, ...args], { env: { ...process.env, PRESQUE_URL: presque.url } });

describe("the one duration parser", () => {
  it("reads seconds and unit sums, the same for REST and the CLI", () => {
    const cases: [string, number][] = [
      ["90", 90_000],
      ["1.5", 1500],
      ["250ms", 250],
      ["90s", 90_000],
      ["5m", 300_000],
      ["1h30m", 5_400_000],
      ["1d", 86_400_000],
    ];
    for (const [text, ms] of cases) {
      expect(parseDurationMs(text, "x", usageError)).toBe(ms);
      expect(restDurationMs(text, "delay")).toBe(ms);
      expect(durationMs(text, "--delay")).toBe(ms);
    }
  });

  it("refuses the same texts, each edge with its own error", () => {
    for (const text of ["", "-1", "5 m", "1x", "m", "5m3"]) {
      expect(() => restDurationMs(text, "delay")).toThrow(PresqueError);
      const refused = (() => {
        try {
          durationMs(text, "--delay");
        } catch (error) {
          return error;
        }
      })();
      expect(refused).toBeInstanceOf(CliError);
      expect((refused as CliError).exitCode).toBe(2);
    }
  });

  it("lets `presque push --delay 1d` through, as ?delay=1d is, with the same due time", async () => {
    const before = Date.now();
    const { stdout } = await cli("push", "cli-delay", '{"n":1}', "--delay", "1d");
    const viaRest = json(await curl("-X", "POST", `${presque.url}/q/cli-delay?delay=1d`, "-d", '{"n":2}'));
    const dueOf = async (id: string) => {
      const job = json(await curl(`${presque.url}/q/cli-delay/${id}`)) as { due_at: string; state: string };
      expect(job.state).toBe("delayed");
      return Date.parse(job.due_at) - before;
    };
    const day = 86_400_000;
    for (const offset of [await dueOf(stdout.trim()), await dueOf((viaRest as { id: string }).id)]) {
      expect(offset).toBeGreaterThanOrEqual(day);
      expect(offset).toBeLessThan(day + 60_000);
    }
  });

  it("refuses a bad --delay with the words REST uses, before sending anything", async () => {
    const failed = await cli("push", "cli-delay-bad", "1", "--delay", "2x").catch((error) => error);
    expect(failed).toMatchObject({
      code: 2,
      stderr: 'presque: --delay must be seconds or a duration like 250ms, 90s, 5m, 1h30m; got "2x"\n',
    });
    expect(json(await curl(`${presque.url}/j/cli-delay-bad`))).toMatchObject({ ready: 0, delayed: 0 });
  });
});
