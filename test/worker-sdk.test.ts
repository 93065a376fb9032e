import http from "node:http";
import type { AddressInfo } from "node:net";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { timestampMs, ValueSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import type { Logger } from "../src/log.ts";
import { silentLogger } from "../src/log.ts";
import { Worker, type WorkerOptions } from "../src/sdk/index.ts";
import { useTestServerAndClient } from "./support/presque-server.ts";

const presque = useTestServerAndClient();

const json = (value: JsonValue) => fromJson(ValueSchema, value);
const enqueue = async (queue: string, payload: JsonValue) =>
  (await presque.client.queue.enqueue({ queue, payload: json(payload) })).id;

/** A worker on the test server that never touches the test process's signal handlers. */
function testWorker<Payload>(
  options: Partial<WorkerOptions<Payload>> & Pick<WorkerOptions<Payload>, "queues" | "work">,
) {
  return new Worker<Payload>({ url: presque.url, log: silentLogger, handleSignals: false, ...options });
}

/** A promise with its resolve, to hold a job open until the test says so. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("Worker", () => {
  it("refuses to be built without a work function", () => {
    expect(() => new Worker({ queues: ["q"] } as unknown as WorkerOptions)).toThrow(/work\(job\)/);
  });

  it("acks a job whose work resolves, and retries one whose work throws, with the error text", async () => {
    const queue = "sdk-retry";
    await presque.client.control.updateQueueSettings({ queue, settings: { backoff: "none" } });
    const id = await enqueue(queue, { to: "a@example.com" });
    const failures: string[] = [];
    const done = gate<{ attempt: number; payload: unknown }>();
    const worker = testWorker<{ to: string }>({
      queues: [queue],
      work(job) {
        if (job.attempt === 1) throw new Error("smtp said no");
        done.open({ attempt: job.attempt, payload: job.payload });
      },
      fail: (_job, error) => void failures.push((error as Error).message),
    });
    const running = worker.run();
    expect(await done.promise).toEqual({ attempt: 2, payload: { to: "a@example.com" } });
    await worker.stop();
    await running;
    expect(failures).toEqual(["smtp said no"]);
    const info = await presque.client.stats.getQueueInfo({ queue });
    expect(info.info).toMatchObject({ ready: 0n, inFlight: 0n });
    await expect(presque.client.queue.getJob({ queue, id })).rejects.toThrow(/does not exist|not found/i);
  });

  it("keeps extending the lease of a job that runs longer than the lease", async () => {
    const queue = "sdk-long";
    const id = await enqueue(queue, "slow");
    const started = gate<string>();
    const finish = gate();
    const worker = testWorker({
      queues: [queue],
      leaseSeconds: 1,
      async work(job) {
        started.open(job.id);
        await finish.promise;
      },
    });
    const running = worker.run();
    expect(await started.promise).toBe(id);
    const leased = (await presque.client.queue.getJob({ queue, id })).job;
    if (!leased?.leaseDeadline) throw new Error("the running job is not leased");
    const firstDeadline = timestampMs(leased.leaseDeadline);
    // Wait until the first deadline is well past: without extension the reaper would have taken it back.
    await expect
      .poll(
        async () => {
          const job = (await presque.client.queue.getJob({ queue, id })).job;
          return job?.leaseToken === leased.leaseToken && Date.now() > firstDeadline + 500;
        },
        { interval: 100, timeout: 5000 },
      )
      .toBe(true);
    finish.open();
    await worker.stop();
    await running;
    expect((await presque.client.stats.getQueueInfo({ queue })).info).toMatchObject({
      processed: 1n,
      expiredLeases: 0n,
    });
  });

  it("stop() lets the running job finish and ack, starts no other, and shows in the registry meanwhile", async () => {
    const queue = "sdk-drain";
    const first = await enqueue(queue, 1);
    await enqueue(queue, 2);
    const started = gate<string>();
    const finish = gate();
    const seen: string[] = [];
    const worker = testWorker({
      queues: [queue],
      name: "drainer",
      heartbeatSeconds: 0.2,
      async work(job) {
        seen.push(job.id);
        started.open(job.id);
        await finish.promise;
      },
    });
    const running = worker.run();
    expect(await started.promise).toBe(first);
    await expect
      .poll(
        async () => {
          const { workers } = await presque.client.consumer.listWorkers({});
          return workers.find((w) => w.name === "drainer")?.workingOn.map((ref) => ref.id);
        },
        { interval: 50, timeout: 5000 },
      )
      .toEqual([first]);

    const stopped = worker.stop();
    finish.open();
    await stopped;
    await running;
    expect(seen).toEqual([first]);
    expect((await presque.client.stats.getQueueInfo({ queue })).info).toMatchObject({
      processed: 1n,
      ready: 1n,
      inFlight: 0n,
    });
  });

  it("with 3 workers of concurrency 10, processes each of 10,000 jobs exactly once", async () => {
    const queue = "sdk-10k";
    const total = 10_000;
    for (let batch = 0; batch < total / 1000; batch++) {
      const payloads = Array.from({ length: 1000 }, (_, i) => json(batch * 1000 + i));
      await presque.client.queue.enqueueBatch({ queue, payloads });
    }
    const runs = new Map<number, number>();
    const allDone = gate();
    const workers = [1, 2, 3].map(() =>
      testWorker<number>({
        queues: [queue],
        concurrency: 10,
        work(job) {
          runs.set(job.payload, (runs.get(job.payload) ?? 0) + 1);
          if (runs.size === total) allDone.open();
        },
      }),
    );
    const running = workers.map((worker) => worker.run());
    await allDone.promise;
    await Promise.all(workers.map((worker) => worker.stop()));
    await Promise.all(running);
    expect(runs.size).toBe(total);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect((await presque.client.stats.getQueueInfo({ queue })).info).toMatchObject({
      ready: 0n,
      inFlight: 0n,
      processed: BigInt(total),
    });
  }, 60_000);

  it("falls back to long-poll when the server does not offer Subscribe", async () => {
    const proxy = await startProxyWithoutSubscribe(presque.server.port);
    const warnings: string[] = [];
    const log: Logger = { ...silentLogger, warn: (message) => void warnings.push(message) };
    const queue = "sdk-fallback";
    const id = await enqueue(queue, "via long-poll");
    const done = gate<string>();
    const worker = testWorker({ url: proxy.url, log, queues: [queue], work: (job) => done.open(job.id) });
    const running = worker.run();
    expect(await done.promise).toBe(id);
    await worker.stop();
    await running;
    await proxy.close();
    expect(warnings).toContain("streaming is not available; falling back to long-poll");
    expect((await presque.client.stats.getQueueInfo({ queue })).info).toMatchObject({
      processed: 1n,
      inFlight: 0n,
    });
  });
});

/** An HTTP/1.1 proxy to presque that answers 404 for Subscribe, like an older server. */
async function startProxyWithoutSubscribe(port: number) {
  const proxy = http.createServer((req, res) => {
    if (req.url?.endsWith("/Subscribe")) {
      res.writeHead(404).end();
      return;
    }
    const upstream = http.request(
      { port, host: "127.0.0.1", path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    close: () => {
      proxy.closeAllConnections();
      return new Promise((resolve) => proxy.close(resolve));
    },
  };
}
