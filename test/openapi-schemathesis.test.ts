import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config/config.ts";
import { useTestServer } from "./support/presque-server.ts";

const run = promisify(execFile);
const schemathesis = join(import.meta.dirname, "../node_modules/.cache/schemathesis/bin/schemathesis");
// Long polls and streams end quickly, so every generated request gets an answer in time.
const env = useTestServer({ limits: { ...defaultConfig.limits, maxWaitMs: 200 } });

describe("schemathesis against /openapi.json", () => {
  it("finds no server error and no response that breaks the documented schema", async () => {
    // scripts/ensure-deps.sh --for-tests (npm test) installs it from PyPI.
    expect(
      existsSync(schemathesis),
      `${schemathesis} is missing: run bash scripts/ensure-deps.sh --for-tests`,
    ).toBe(true);
    const url = `http://127.0.0.1:${env.server.port}`;
    const args = [
      "run",
      `${url}/openapi.json`,
      "--checks",
      "not_a_server_error,response_schema_conformance",
      "--max-examples",
      "10",
      "--max-time",
      "30",
      "--request-timeout",
      "5",
      "--seed",
      "1",
      "--no-color",
    ];
    // It keeps a cache (.schemathesis/) in its working directory: not in the repository.
    const cwd = mkdtempSync(join(tmpdir(), "presque-schemathesis-"));
    const result = await run(schemathesis, args, { cwd, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? -1,
        out: `${e.stdout ?? ""}${e.stderr ?? ""}`,
      }),
    );
    rmSync(cwd, { recursive: true, force: true });
    const summary = result.out.slice(result.out.lastIndexOf("SUMMARY"));
    expect(summary, result.out.slice(-6000)).toMatch(/Tested: \d+/);
    expect(result.code, summary).toBe(0);
  }, 270_000);
});
