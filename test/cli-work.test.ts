import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { watch as watch_ } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { curl, json } from "./support/curl.ts";
import { startTestServer, type TestServer } from "./support/presque-server.ts";

const run = promisify(execFile);
const bin = new URL("../bin/presque.js", import.meta.url).pathname;
const examples = new URL("../examples/", import.meta.url).pathname;

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), "presque-work-"));
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A running process whose stdout and stderr are read line by line, waiting for a line that matches. */
function watch(child: ChildProcess) {
  const lines = (stream: NodeJS.ReadableStream) => {
    const seen: string[] = [];
    const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
    createInterface({ input: stream }).on("line", (line) => {
      seen.push(line);
      for (const waiter of waiters.filter((w) => w.match.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    });
    return {
      seen,
      waitFor: (match: RegExp) =>
        new Promise<string>((resolve) => {
          const line = seen.find((l) => match.test(l));
          if (line) resolve(line);
          else waiters.push({ match, resolve });
        }),
    };
  };
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return {
    stdout: lines(child.stdout as NodeJS.ReadableStream),
    stderr: lines(child.stderr as NodeJS.ReadableStream),
    async terminate() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

function presqueWork(args: string[]) {
  const child = spawn(process.execPath, [bin, "work", "--url", server.baseUrl, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return watch(child);
}

const enqueue = async (queue: string, body: string) =>
  (json(await curl("-X", "POST", `${server.baseUrl}/q/${queue}`, "-d", body)) as { id: string }).id;
const info = async (queue: string) =>
  json(await curl(`${server.baseUrl}/j/${queue}`)) as Record<string, number>;
const noBackoff = (queue: string) =>
  curl("-X", "POST", `${server.baseUrl}/control/${queue}/settings`, "-d", '{"backoff":"none"}');

describe("presque work", () => {
  it("runs the program with the payload on stdin and the job in PRESQUE_*; exit 0 acks", async () => {
    const id = await enqueue("work-ok", '{"to":"a@example.com"}');
    const work = presqueWork([
      ...["--queue", "work-ok", "--"],
      ...[
        "sh",
        "-c",
        'read payload; echo "$PRESQUE_QUEUE $PRESQUE_JOB_ID $PRESQUE_JOB_ATTEMPT $PRESQUE_JOB_DELIVERIES $payload"',
      ],
    ]);
    expect(await work.stdout.waitFor(/^work-ok /)).toBe(`work-ok ${id} 1 1 {"to":"a@example.com"}`);
    expect(await work.terminate()).toBe(0);
    expect(await info("work-ok")).toMatchObject({ processed: 1, ready: 0, in_flight: 0 });
  });

  it("hands the producer's traceparent to the program as TRACEPARENT", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await curl(
      "-X",
      "POST",
      `${server.baseUrl}/q/work-trace`,
      "-H",
      `traceparent: ${traceparent}`,
      "-d",
      "{}",
    );
    const work = presqueWork(["--queue", "work-trace", "--", "sh", "-c", 'echo "trace=$TRACEPARENT"']);
    expect(await work.stdout.waitFor(/^trace=/)).toBe(`trace=${traceparent}`);
    expect(await work.terminate()).toBe(0);
  });

  it("nacks on exit 1 with the tail of stderr as the error, and the retry sees it", async () => {
    await noBackoff("work-retry");
    await enqueue("work-retry", "{}");
    // Attempt 1 fails; attempt 2 reads its own job over REST and prints the recorded error.
    const script = `
      if [ "$PRESQUE_JOB_ATTEMPT" = 1 ]; then echo "smtp: connection refused" >&2; exit 1; fi
      curl -s "$PRESQUE_URL/q/$PRESQUE_QUEUE/$PRESQUE_JOB_ID"; echo`;
    const work = presqueWork(["--queue", "work-retry", "--", "sh", "-c", script]);
    const job = JSON.parse(await work.stdout.waitFor(/^\{/)) as { attempt: number; last_error: string };
    expect(job.attempt).toBe(2);
    expect(job.last_error).toBe("exit code 1: smtp: connection refused");
    expect(await work.terminate()).toBe(0);
    expect(await info("work-retry")).toMatchObject({ processed: 1, failed: 1 });
  });

  it("kills a program that runs past --timeout and nacks its job", async () => {
    await noBackoff("work-timeout");
    await enqueue("work-timeout", "{}");
    const script = `
      if [ "$PRESQUE_JOB_ATTEMPT" = 1 ]; then sleep 60; fi
      curl -s "$PRESQUE_URL/q/$PRESQUE_QUEUE/$PRESQUE_JOB_ID"; echo`;
    const work = presqueWork(["--queue", "work-timeout", "--timeout", "1s", "--", "sh", "-c", script]);
    const job = JSON.parse(await work.stdout.waitFor(/^\{/)) as { last_error: string };
    expect(job.last_error).toBe("timed out after 1s");
    expect(await work.terminate()).toBe(0);
  });

  it("on SIGTERM lets the running program finish and acks it, and starts no other job", async () => {
    const fifo = join(dir, "release");
    await run("mkfifo", [fifo]);
    const first = await enqueue("work-drain", "1");
    await enqueue("work-drain", "2");
    const work = presqueWork([
      ...["--queue", "work-drain", "--"],
      ...["sh", "-c", `echo "started $PRESQUE_JOB_ID"; read line < ${fifo}; echo finished`],
    ]);
    expect(await work.stdout.waitFor(/^started/)).toBe(`started ${first}`);
    const exited = work.terminate();
    await work.stderr.waitFor(/worker stopping/);
    const release = await open(fifo, "w");
    await release.write("go\n");
    await release.close();
    expect(await exited).toBe(0);
    expect(work.stdout.seen).toEqual([`started ${first}`, "finished"]);
    expect(await info("work-drain")).toMatchObject({ processed: 1, ready: 1, in_flight: 0 });
  });

  it("runs examples/shell-worker.sh as a worker", async () => {
    const id = await enqueue("emails", '{"to":"shell@example.com"}');
    const work = presqueWork(["--queue", "emails", "--", "sh", join(examples, "shell-worker.sh")]);
    expect(await work.stdout.waitFor(/^job /)).toBe(
      `job ${id} of emails, attempt 1: {"to":"shell@example.com"}`,
    );
    expect(await work.terminate()).toBe(0);
  });

  it("runs examples/worker.ts, which stops cleanly on SIGTERM", async () => {
    const id = await enqueue("emails", '{"to":"ts@example.com"}');
    const child = spawn(process.execPath, [join(examples, "worker.ts")], {
      env: { ...process.env, PRESQUE_URL: server.baseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const worker = watch(child);
    expect(await worker.stdout.waitFor(/^sending/)).toBe(
      `sending mail to ts@example.com (job ${id}, attempt 1)`,
    );
    expect(await worker.terminate()).toBe(0);
    expect(await info("emails")).toMatchObject({ in_flight: 0, ready: 0 });
  });

  it("holds no more jobs than it runs unless --prefetch says so, and refuses a prefetch below the concurrency", async () => {
    for (let i = 0; i < 3; i++) await enqueue("work-held", `{"n":${i}}`);
    const gate = await mkdtemp(join(dir, "gate-"));
    const started = new Promise<void>((resolve) => {
      const watcher = watch_(gate, () => {
        watcher.close();
        resolve();
      });
    });
    const program = 'cat >/dev/null; touch "$0/started"; while [ ! -e "$0/go" ]; do sleep 0.05; done';
    const worker = presqueWork([
      "--queue",
      "work-held",
      "--concurrency",
      "1",
      "--",
      "sh",
      "-c",
      program,
      gate,
    ]);
    await started;
    // the SDK Worker's own default would hold 2 x concurrency; a program per job holds what it runs
    expect(await info("work-held")).toMatchObject({ ready: 2, in_flight: 1 });
    await (await open(join(gate, "go"), "w")).close();
    expect(await worker.terminate()).toBe(0);

    const error = await run(process.execPath, [
      ...[bin, "work", "--url", server.baseUrl, "--queue", "x", "--concurrency", "3", "--prefetch", "2"],
      ...["--", "true"],
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(error).toMatchObject({ code: 2, stderr: expect.stringContaining("--prefetch must be at least") });
  });

  it("explains what is missing when run without a program", async () => {
    const error = await run(process.execPath, [bin, "work", "--queue", "x"]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(error).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("name the program to run after --"),
    });
  });
});
