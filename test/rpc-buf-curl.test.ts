import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

const run = promisify(execFile);
const projectDir = join(import.meta.dirname, "..");

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

interface BufCurlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `buf curl` with the schema from proto/, exactly as the README shows it. */
async function bufCurl(method: string, request: unknown, ...flags: string[]): Promise<BufCurlResult> {
  const args = ["curl", "--schema", "proto", ...flags, "-d", JSON.stringify(request)];
  args.push(`http://127.0.0.1:${server.port}/${method}`);
  try {
    const { stdout, stderr } = await run(join(projectDir, "node_modules/.bin/buf"), args, {
      cwd: projectDir,
    });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw error; // buf did not run at all
    return { exitCode: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

const grpc = ["--protocol", "grpc", "--http2-prior-knowledge"];

describe("buf curl", () => {
  it("enqueues over gRPC and fetches over Connect", async () => {
    const enqueued = await bufCurl(
      "presque.v1.QueueService/Enqueue",
      { queue: "buf-curl", payload: { x: 1 } },
      ...grpc,
    );
    expect(enqueued.exitCode).toBe(0);
    const { id } = JSON.parse(enqueued.stdout) as { id: string };
    expect(id).toMatch(/^[1-9][0-9]*$/);

    const fetched = await bufCurl("presque.v1.QueueService/Fetch", { queue: "buf-curl", lease_seconds: 60 });
    expect(fetched.exitCode).toBe(0);
    expect(JSON.parse(fetched.stdout)).toMatchObject({
      jobs: [{ id, queue: "buf-curl", payload: { x: 1 }, attempt: 1, state: "JOB_STATE_LEASED" }],
    });
  });

  it("acking under a token that does not hold the job exits with 9 << 3 and prints failed_precondition", async () => {
    const queue = "buf-curl-stale";
    const { stdout } = await bufCurl("presque.v1.QueueService/Enqueue", { queue, payload: "x" });
    const { id } = JSON.parse(stdout) as { id: string };

    const failed = await bufCurl(
      "presque.v1.QueueService/Ack",
      { queue, id, lease_token: "not-the-token" },
      ...grpc,
    );
    // buf curl exits with the gRPC code shifted three bits left: 9 (FAILED_PRECONDITION) → 72.
    expect(failed.exitCode).toBe(72);
    expect(failed.stdout).toBe("");
    expect(JSON.parse(failed.stderr)).toEqual({
      code: "failed_precondition",
      message: `job ${id} of queue ${queue} is not leased under this token`,
    });
  });

  it("an invalid queue name exits with 3 << 3 and prints the whole reason", async () => {
    const failed = await bufCurl("presque.v1.QueueService/Enqueue", { queue: "a b", payload: 1 }, ...grpc);
    expect(failed.exitCode).toBe(24);
    expect(JSON.parse(failed.stderr)).toEqual({
      code: "invalid_argument",
      message: 'queue name "a b" may only contain letters, digits, underscore, dot, colon and hyphen',
    });
  });
});
