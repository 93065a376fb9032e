import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testKey, withKeys } from "./support/auth-keys.ts";
import { startTestServer, type TestServer, useTestServer } from "./support/presque-server.ts";
import { makeTestCertificates, type TestCertificates } from "./support/test-certificates.ts";

const run = promisify(execFile);
const bin = new URL("../bin/presque.js", import.meta.url).pathname;

// The CLI against a presque with keys, as a user types it: the key by flag or PRESQUE_API_KEY,
// and a refusal said in one line that names what to set.
const full = testKey("cli-full", ["*"]);
const readOnly = testKey("cli-reader", ["read:*"]);
const presque = useTestServer(withKeys([full, readOnly], { maxFailures: 1_000_000 }));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "presque-cli-auth-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `presque ...` with only the given PRESQUE_* variables (none leak in from the test's own). */
function presqueCli(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("PRESQUE_")),
  );
  return run(process.execPath, [bin, ...args], {
    env: { ...clean, PRESQUE_URL: presque.url, ...env },
    timeout: 30_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: Ran) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

const withKey = { PRESQUE_API_KEY: full.secret };

/** Every command that talks to a server, each in a form that succeeds with a key that may all. */
async function everyCommand(): Promise<string[][]> {
  const ndjson = join(dir, "jobs.ndjson");
  await writeFile(ndjson, '{"n":1}\n{"n":2}\n');
  return [
    ["push", "cli-auth-all", '{"n":0}'],
    ["pop", "cli-auth-all"],
    ["stats"],
    ["stats", "cli-auth-all"],
    ["stop", "cli-auth-all"],
    ["start", "cli-auth-all"],
    ["import", "cli-auth-all", ndjson],
    ["export", "cli-auth-all", join(dir, "out.ndjson")],
    ["purge", "cli-auth-all"],
    ["dead", "list", "cli-auth-all"],
    ["dead", "redrive", "cli-auth-all"],
    ["dead", "delete", "cli-auth-all", "--all"],
    ["schedules", "set", "cli-auth-all", "tick", "{}", "--every", "1h"],
    ["schedules", "list"],
    ["schedules", "delete", "cli-auth-all", "tick"],
  ];
}

describe("the CLI against a presque with keys", () => {
  it("refuses every command without a key in one line that says how to give one, exit 1", {
    timeout: 90_000,
  }, async () => {
    for (const args of await everyCommand()) {
      const ran = await presqueCli(args);
      expect(ran.code, args.join(" ")).toBe(1);
      expect(ran.stderr, args.join(" ")).toMatch(
        /^presque: unauthenticated: .+ \(set --api-key or PRESQUE_API_KEY\)\n$/,
      );
    }
  });

  it("runs every command with the key from PRESQUE_API_KEY", { timeout: 90_000 }, async () => {
    for (const args of await everyCommand()) {
      const ran = await presqueCli(args, withKey);
      expect(ran.code, `${args.join(" ")}: ${ran.stderr}`).toBe(0);
    }
  });

  it("takes the key from --api-key, which wins over PRESQUE_API_KEY", async () => {
    const pushed = await presqueCli(["push", "cli-auth-flag", '{"to":"a@b.c"}', "--api-key", full.secret], {
      PRESQUE_API_KEY: readOnly.secret,
    });
    expect(pushed.stderr).toBe("");
    expect(pushed.stdout).toMatch(/^\d+\n$/);
    const popped = await presqueCli(["pop", "cli-auth-flag", "--api-key", full.secret]);
    expect(popped.stdout).toBe('{"to":"a@b.c"}\n');
  });

  it("says which scope a key lacks: permission_denied, exit 1", async () => {
    const env = { PRESQUE_API_KEY: readOnly.secret };
    expect((await presqueCli(["stats", "cli-auth-scope"], env)).code).toBe(0);
    const pushed = await presqueCli(["push", "cli-auth-scope", "{}"], env);
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toMatch(/^presque: permission_denied: key "cli-reader" may not produce .+\n$/);
  });

  it("refuses an unknown key as unauthenticated", async () => {
    const ran = await presqueCli(["stats"], { PRESQUE_API_KEY: testKey("unknown", ["*"]).secret });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe("presque: unauthenticated: unknown API key (set --api-key or PRESQUE_API_KEY)\n");
  });

  it("calls --ca with an http:// URL a usage error (exit 2), sending nothing", async () => {
    const ran = await presqueCli(["stats", "--ca", join(dir, "no-such-ca.pem")], withKey);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/^presque: --ca is for https:\/\/ URLs/);
  });
});

describe("presque work against a presque with keys", () => {
  it("stops at once, in one line, without a key or with one that may not consume the queue", async () => {
    const command = ["work", "--queue", "cli-auth-work", "--", "true"];
    const anonymous = await presqueCli(command);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/^presque: unauthenticated: .+ \(set --api-key or PRESQUE_API_KEY\)\n$/);
    const reader = await presqueCli(command, { PRESQUE_API_KEY: readOnly.secret });
    expect(reader.code).toBe(1);
    expect(reader.stderr).toMatch(
      /^presque: permission_denied: key "cli-reader" may not consume queue "cli-auth-work"/,
    );
  });

  it("runs jobs with the key from --api-key", async () => {
    await presqueCli(["push", "cli-auth-work", '{"job":1}'], withKey);
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("PRESQUE_")),
    );
    const args = ["work", "--url", presque.url, "--api-key", full.secret, "--queue", "cli-auth-work"];
    const child = spawn(process.execPath, [bin, ...args, "--", "sh", "-c", "cat; echo"], {
      env: clean,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = once(child, "exit");
    const lines = createInterface({ input: child.stdout });
    const [first] = (await once(lines, "line")) as [string];
    expect(first).toBe('{"job":1}');
    child.kill("SIGTERM");
    expect((await exited)[0]).toBe(0);
  });
});

describe("the CLI over HTTPS with a private CA", () => {
  let certificates: TestCertificates;
  let server: TestServer;
  const https = () => `https://127.0.0.1:${server.port}`;
  beforeAll(async () => {
    certificates = await makeTestCertificates();
    server = await startTestServer({
      ...withKeys([full]),
      tls: { cert: certificates.server.cert, key: certificates.server.key, clientCa: undefined },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await certificates?.remove();
  });

  it("pushes, exports (REST and RPC) and reads stats with --ca or PRESQUE_CA", async () => {
    const viaFlag = ["--url", https(), "--ca", certificates.ca];
    const pushed = await presqueCli(["push", "cli-tls", '{"over":"tls"}', ...viaFlag], withKey);
    expect(pushed.stderr).toBe("");
    const out = join(dir, "tls-export.ndjson");
    const exported = await presqueCli(["export", "cli-tls", out], {
      ...withKey,
      PRESQUE_URL: https(),
      PRESQUE_CA: certificates.ca,
    });
    expect(exported.stderr).toMatch(/exported 1 jobs from cli-tls/);
  });

  it("says how to trust a certificate it cannot verify", async () => {
    for (const ca of [[], ["--ca", certificates.otherCa]]) {
      const ran = await presqueCli(["stats", "--url", https(), ...ca], withKey);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toMatch(
        /^presque: cannot verify presque's certificate at https:.+set --ca FILE or PRESQUE_CA/,
      );
    }
  });
});
