import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);
const pythonDir = join(import.meta.dirname, "..", "clients", "python");

interface Ran {
  code: number;
  stdout: string;
  output: string;
}

async function runIn(cwd: string, file: string, args: string[], timeout: number): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, timeout, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: unknown; signal?: string; stdout?: string; stderr?: string };
    const code = typeof failed.code === "number" ? failed.code : -1;
    return {
      code,
      stdout: failed.stdout ?? "",
      output: `${failed.stdout ?? ""}${failed.stderr ?? ""}\n(${failed.signal ?? failed.code})`,
    };
  }
}

// The Python client's own suite (clients/python/tests): pytest against a real presque and a real
// redis-server that its fixtures start, and two presques with API keys (one serving TLS with a
// throwaway CA from openssl) for tests/test_auth.py. The venv (clients/python/.venv) comes from pip, pinned.
it("the Python client's pytest suite passes", { timeout: 900_000 }, async () => {
  const venv = await runIn(pythonDir, "bash", ["scripts/venv.sh"], 600_000);
  expect(venv.code, venv.output).toBe(0);
  const python = join(venv.stdout.trim() ?? "", "bin", "python");
  const pytest = await runIn(pythonDir, python, ["-m", "pytest", "-q", "-p", "no:cacheprovider"], 600_000);
  if (pytest.code !== 0) console.error(pytest.output);
  expect(pytest.code, pytest.output).toBe(0);
  // No "no tests ran" (pytest's exit 5) nor a silently shrunk suite: the summary counts them.
  const passed = Number(/(\d+) passed/.exec(pytest.output)?.[1] ?? 0);
  expect(passed, pytest.output).toBeGreaterThanOrEqual(32);
  expect(pytest.output).not.toMatch(/\d+ (failed|errors?)\b/);
});
