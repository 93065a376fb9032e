import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);
const goDir = join(import.meta.dirname, "..", "clients", "go");

interface Ran {
  code: number;
  output: string;
}

async function go(args: string[], timeout: number): Promise<Ran> {
  try {
    const { stdout, stderr } = await run("go", args, { cwd: goDir, timeout, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: unknown; signal?: string; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === "number" ? failed.code : -1,
      output: `${failed.stdout ?? ""}${failed.stderr ?? ""}\n(${failed.signal ?? failed.code})`,
    };
  }
}

// The Go client's own suite (clients/go): `go vet`, then `go test` against a real presque and a
// real redis-server that its TestMain starts, and a presque with API keys serving TLS (a CA made
// by the test, secured_test.go) for the key and certificate tests. Modules come from the Go module proxy (go.sum is committed).
it("the Go client is vet-clean and its go test suite passes", { timeout: 600_000 }, async () => {
  const vet = await go(["vet", "./..."], 300_000);
  if (vet.code !== 0) console.error(vet.output);
  expect(vet.code, vet.output).toBe(0);
  const test = await go(["test", "-count=1", "-timeout=240s", "-v", "./..."], 280_000);
  if (test.code !== 0) console.error(test.output);
  expect(test.code, test.output).toBe(0);
  // No silently shrunk suite: every top-level test passed, and there are as many as written.
  const passed = test.output.match(/^--- PASS: Test\w+/gm) ?? [];
  expect(passed.length, test.output).toBeGreaterThanOrEqual(13);
  expect(test.output).not.toMatch(/^--- (FAIL|SKIP)/m);
});
