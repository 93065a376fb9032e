import { setTimeout as sleep } from "node:timers/promises";
import { silentLogger } from "../src/log.ts";
import { Worker } from "../src/sdk/worker.ts";
import { type LineLog, openLineLog } from "./log-lines.ts";
import { observedClient } from "./observed-client.ts";

/** One consumer child process. */
export interface ConsumerOptions {
  name: string;
  /** The SDK Worker (Subscribe stream), or a plain REST lease/ack loop with fetch. */
  mode: "worker" | "rest";
  url: string;
  queue: string;
  log: string;
  leaseSeconds: number;
  /** Jobs at once: the Worker's concurrency, or parallel REST loops. */
  concurrency: number;
  /** Each job "works" a random time up to this. */
  maxWorkMs: number;
  /** Bound on the whole process. */
  maxRunMs: number;
  /** REST only: end after this many empty long polls in a row (the final drain); 0 runs until SIGTERM. */
  stopAfterEmptyPolls: number;
}

/** Runs until SIGTERM (or maxRunMs, or the drain's empty polls), then stops gracefully. */
export async function runConsumer(options: ConsumerOptions): Promise<void> {
  const log = openLineLog(options.log);
  const stop = new AbortController();
  process.once("SIGTERM", () => stop.abort());
  const bound = setTimeout(() => stop.abort(), options.maxRunMs);
  try {
    if (options.mode === "worker") await runWorker(options, log, stop.signal);
    else await Promise.all(Array.from({ length: options.concurrency }, () => restLoop(options, log, stop)));
  } finally {
    clearTimeout(bound);
    log.close();
  }
}

const work = (maxMs: number) => sleep(1 + Math.floor(Math.random() * maxMs));

async function runWorker(options: ConsumerOptions, log: LineLog, stop: AbortSignal): Promise<void> {
  const worker = new Worker({
    queues: [options.queue],
    client: observedClient(options.url, options.name, options.leaseSeconds * 1000, log),
    name: options.name,
    concurrency: options.concurrency,
    leaseSeconds: options.leaseSeconds,
    log: silentLogger,
    handleSignals: false,
    shutdownGraceMs: 3000,
    heartbeatSeconds: 1,
    work: () => work(options.maxWorkMs),
  });
  stop.addEventListener("abort", () => void worker.stop());
  await worker.run();
}

/** Lease one job (long poll 1 s), work, ack with its token; retry on network errors. */
async function restLoop(options: ConsumerOptions, log: LineLog, stop: AbortController): Promise<void> {
  const { url, queue, name: consumer } = options;
  let empty = 0;
  while (!stop.signal.aborted) {
    let response: Response;
    try {
      response = await fetch(`${url}/q/${queue}?lease=${options.leaseSeconds}&wait=1`, {
        signal: AbortSignal.timeout(15_000),
      });
    } catch {
      await sleep(200);
      continue;
    }
    const body = await response.text().catch(() => "");
    if (response.status !== 200) {
      if (response.status === 204 && options.stopAfterEmptyPolls > 0) {
        if (++empty >= options.stopAfterEmptyPolls) stop.abort();
      } else if (response.status !== 204) {
        await sleep(200);
      }
      continue;
    }
    empty = 0;
    const id = response.headers.get("x-presque-job-id") ?? "";
    const token = response.headers.get("x-presque-lease-token") ?? "";
    let key = "";
    try {
      key = String((JSON.parse(body) as { key?: unknown }).key ?? "");
    } catch {}
    log.write({
      ev: "delivery",
      consumer,
      id,
      key,
      token,
      attempt: Number(response.headers.get("x-presque-attempt")),
      deadline: Date.parse(response.headers.get("x-presque-lease-deadline") ?? ""),
      leaseMs: options.leaseSeconds * 1000,
      at: Date.now(),
    });
    await work(options.maxWorkMs);
    await ackOverRest(options, log, id, token);
  }
}

/** DELETE with the token; a network error or 5xx is retried a few times, then logged as "error". */
async function ackOverRest(options: ConsumerOptions, log: LineLog, id: string, token: string): Promise<void> {
  const sentAt = Date.now();
  let failedBefore = false;
  for (let attempt = 1; ; attempt++) {
    let status = 0;
    try {
      const response = await fetch(`${options.url}/q/${options.queue}/${id}?token=${token}`, {
        method: "DELETE",
        signal: AbortSignal.timeout(15_000),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {}
    const settled = status === 204 || status === 409 || status === 404;
    if (settled || attempt === 3) {
      // After a failed try, a 404 may be our own first ack having landed: not a clean answer.
      const result =
        status === 204
          ? "acked"
          : status === 409
            ? "stale"
            : status === 404 && !failedBefore
              ? "not_found"
              : "error";
      log.write({ ev: "ack", consumer: options.name, id, token, result, sentAt, at: Date.now() });
      return;
    }
    failedBefore = true;
    await sleep(200 * attempt);
  }
}
