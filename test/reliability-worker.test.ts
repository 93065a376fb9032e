import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { timestampMs, ValueSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "../gen/presque/v1/job_pb.ts";
import { JobState } from "../gen/presque/v1/job_pb.ts";
import { Worker } from "../src/sdk/index.ts";
import { curl, json as curlJson } from "./support/curl.ts";
import { useTestServerAndClient } from "./support/presque-server.ts";
import { redisClockPast } from "./support/redis-clock.ts";

const presque = useTestServerAndClient();

let dir: string;
let workerScript: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "presque-reliability-"));
  workerScript = join(dir, "worker.ts");
  await writeFile(workerScript, workerSource);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * An SDK Worker in its own process, as users run it. Each job's start is a JSON line on stdout;
 * the worker's own log is on stderr. A job {block: true} blocks the event loop until the gate file
 * exists (a stalled process); {hold: true} never finishes.
 */
const workerSource = `
import { existsSync } from "node:fs";
import { Worker } from ${JSON.stringify(new URL("../src/sdk/index.ts", import.meta.url).pathname)};
const [url, queue, leaseSeconds, concurrency, gate] = process.argv.slice(2);
const pause = new Int32Array(new SharedArrayBuffer(4));
await new Worker({
  url, queues: [queue], leaseSeconds: Number(leaseSeconds), concurrency: Number(concurrency),
  work(job) {
    console.log(JSON.stringify({ id: job.id, attempt: job.attempt, deliveries: job.deliveries }));
    if (job.payload.block) while (!existsSync(gate)) Atomics.wait(pause, 0, 0, 20);
    if (job.payload.hold) return new Promise(() => {});
  },
}).run();
`;

type Start = { id: string; attempt: number; deliveries: number };

function spawnWorker(queue: string, leaseSeconds: number, concurrency: number, gate = join(dir, "gate")) {
  const child = spawn(
    process.execPath,
    [workerScript, presque.url, queue, String(leaseSeconds), String(concurrency), gate],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const starts: Start[] = [];
  const logs: { msg: string; id?: string }[] = [];
  const listeners: (() => void)[] = [];
  const changed = () => {
    for (const listener of listeners.splice(0)) listener();
  };
  createInterface({ input: child.stdout }).on("line", (line) => {
    starts.push(JSON.parse(line) as Start);
    changed();
  });
  createInterface({ input: child.stderr }).on("line", (line) => {
    logs.push(JSON.parse(line) as { msg: string });
    changed();
  });
  const exited = once(child, "exit");
  return {
    child,
    starts,
    logs,
    /** Resolves once `test` holds for what the worker printed so far. */
    async until(test: () => boolean): Promise<void> {
      while (!test()) {
        if (child.exitCode !== null) throw new Error(`worker exited:\n${JSON.stringify(logs)}`);
        await new Promise<void>((resolve) => listeners.push(resolve));
      }
    },
    async kill(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

const enqueue = async (queue: string, payload: JsonValue) =>
  (await presque.client.queue.enqueue({ queue, payload: fromJson(ValueSchema, payload) })).id;

/** Reads the job until `test` holds, a few times a second (nothing announces a lease running out). */
async function jobWhen(queue: string, id: string, test: (job: Job) => boolean): Promise<Job> {
  for (;;) {
    const { job } = await presque.client.queue.getJob({ queue, id });
    if (job && test(job)) return job;
    await sleep(20);
  }
}

describe("SDK Worker after a stall longer than its lease", () => {
  it("does not start a prefetched job whose lease ran out while its event loop was blocked", async () => {
    const queue = "rw-stall";
    await presque.client.control.updateQueueSettings({ queue, settings: { backoff: "none" } });
    const worker = spawnWorker(queue, 1, 2);
    try {
      const blocker = await enqueue(queue, { block: true });
      await worker.until(() => worker.starts.some((s) => s.id === blocker));
      // The worker's event loop is blocked now; the server still sends it the next job.
      const next = await enqueue(queue, { block: false });
      const leased = await jobWhen(queue, next, (job) => job.state === JobState.LEASED);
      if (!leased.leaseDeadline) throw new Error("a leased job without a deadline");
      const deadline = Number(timestampMs(leased.leaseDeadline));
      // Past the deadline by more than a job's time on the wire, then let the worker go on.
      await redisClockPast(deadline + 300);
      await writeFile(join(dir, "gate"), "");
      await worker.until(() => worker.starts.some((s) => s.id === next && s.attempt === 2));
      // The first delivery was skipped, not run: the job ran once, on its redelivery. Both
      // deliveries may come in one stream message, and info lines reach stderr at the end of
      // the turn, after the start on stdout: wait for the line rather than expect it already.
      const skipped = (l: { msg: string; id?: string }) =>
        /skipped a job whose lease ran out/.test(l.msg) && l.id === next;
      await worker.until(() => worker.logs.some(skipped));
      expect(worker.starts.filter((s) => s.id === next)).toEqual([{ id: next, attempt: 2, deliveries: 2 }]);
    } finally {
      await worker.kill();
      await rm(join(dir, "gate"), { force: true });
    }
  });
});

/**
 * A TCP proxy in front of presque that plays a server closing idle keep-alive connections just as
 * the client reuses them: the first request of each connection goes through; a second one on the
 * same connection is answered with a reset, as the kernel answers data for a socket already closed.
 */
async function startResettingProxy(port: number) {
  let resets = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(port, "127.0.0.1");
    let answered = false;
    client.on("data", (chunk) => {
      if (!answered) return void upstream.write(chunk);
      resets++;
      client.resetAndDestroy();
      upstream.destroy();
    });
    upstream.on("data", (chunk) => {
      answered = true;
      client.write(chunk);
    });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    get resets() {
      return resets;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("SDK Worker acks over keep-alive connections", () => {
  it("sends an ack again when its reused connection was reset, and the job is acked once", async () => {
    const queue = "rw-reset";
    const proxy = await startResettingProxy(presque.server.port);
    const runs: string[] = [];
    const warnings: string[] = [];
    const worker = new Worker({
      url: proxy.url,
      queues: [queue],
      handleSignals: false,
      log: { info() {}, error: (m) => void warnings.push(m), warn: (m) => void warnings.push(m) },
      work: (job) => void runs.push(job.id),
    });
    const running = worker.run();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = await enqueue(queue, { n: i });
        ids.push(id);
        // Acked means gone; a lost ack would leave it leased for its 30 s lease.
        const gone = (async () => {
          for (;;) {
            const found = await presque.client.queue.getJob({ queue, id }).then(
              () => true,
              () => false,
            );
            if (!found) return;
            await sleep(20);
          }
        })();
        await Promise.race([
          gone,
          sleep(5000).then(() => Promise.reject(new Error(`job ${id} was not acked`))),
        ]);
      }
      expect(proxy.resets).toBeGreaterThan(0);
      expect(runs).toEqual(ids);
      expect(warnings.filter((w) => /ack/.test(w))).toEqual([]);
      const { info } = await presque.client.stats.getQueueInfo({ queue });
      expect(info).toMatchObject({ processed: 3n, inFlight: 0n, ready: 0n });
    } finally {
      await worker.stop();
      await running;
      await proxy.close();
    }
  });
});

describe("deliveries", () => {
  it("a job released by a dropped subscriber comes back with attempt unchanged but deliveries 2", async () => {
    const queue = "rw-release";
    const id = await enqueue(queue, "x");
    const abort = new AbortController();
    const stream = presque.client.consumer.subscribe(
      { queues: [queue], leaseSeconds: 30 },
      { signal: abort.signal },
    );
    let first: Job | undefined;
    for await (const event of stream) {
      if (event.event.case === "job") {
        first = event.event.value;
        break;
      }
    }
    abort.abort();
    expect(first).toMatchObject({ id, attempt: 1, deliveries: 1 });
    const released = await jobWhen(queue, id, (job) => job.state === JobState.READY);
    expect(released).toMatchObject({ attempt: 0, deliveries: 1 });
    // REST shows it too: the envelope, and the headers of a leased GET.
    const envelope = curlJson(await curl(`${presque.url}/q/${queue}/${id}`)) as Record<string, unknown>;
    expect(envelope).toMatchObject({ attempt: 0, deliveries: 1 });
    const again = await curl(`${presque.url}/q/${queue}?lease=30`);
    expect(again.headers["x-presque-attempt"]).toBe("1");
    expect(again.headers["x-presque-deliveries"]).toBe("2");
  });

  it("kill -9 of an SDK worker process gives its job back with the delivery counted", async () => {
    const queue = "rw-kill";
    const id = await enqueue(queue, { hold: true });
    const worker = spawnWorker(queue, 30, 1);
    await worker.until(() => worker.starts.some((s) => s.id === id));
    await worker.kill("SIGKILL");
    const back = await jobWhen(queue, id, (job) => job.state === JobState.READY);
    expect(back).toMatchObject({ attempt: 0, deliveries: 1 });
    const { jobs } = await presque.client.queue.fetch({ queue, leaseSeconds: 30 });
    expect(jobs[0]).toMatchObject({ id, attempt: 1, deliveries: 2 });
  });
});
