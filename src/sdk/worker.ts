import { setTimeout as sleep } from "node:timers/promises";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Job } from "../../gen/presque/v1/job_pb.ts";
import { createJsonLogger, type Logger } from "../log.ts";
import { createAckBatcher } from "./ack-batcher.ts";
import { createPresqueClient, defaultPresqueUrl, type PresqueClient } from "./client.ts";
import { pollJobs, streamJobs } from "./job-sources.ts";
import { runJob } from "./run-job.ts";
import { checkWorkerOptions, type WorkerOptions } from "./worker-options.ts";
import { startPresence } from "./worker-presence.ts";

interface Running {
  job: Job;
  abort: AbortController;
  startedAt: number;
}

/**
 * Runs work(job) for jobs of the given queues, `concurrency` at a time. Jobs come from the
 * Subscribe stream (falling back to long-poll), are acked when work resolves and nacked with the
 * error text when it throws. stop() (or SIGTERM/SIGINT) stops taking jobs and lets running ones
 * finish; jobs received but not started go back to the queue when the stream closes.
 */
export class Worker<Payload = unknown> {
  readonly #options: WorkerOptions<Payload>;
  readonly #settings: ReturnType<typeof checkWorkerOptions>;
  readonly #client: PresqueClient;
  readonly #log: Logger;
  readonly #acks: ReturnType<typeof createAckBatcher>;
  readonly #running = new Map<string, Running>();
  /** Jobs that arrived while every slot was busy (an ack's credit can outrun its reply). */
  readonly #backlog: Job[] = [];
  readonly #source = new AbortController();
  #changed: (() => void)[] = [];
  #stopping = false;
  #mode: "stream" | "poll";
  #processed = 0;
  #failed = 0;
  #run?: Promise<void>;
  #drained?: Promise<void>;

  constructor(options: WorkerOptions<Payload>) {
    this.#settings = checkWorkerOptions(options);
    this.#options = options;
    this.#client = options.client ?? createPresqueClient({ baseUrl: options.url ?? defaultPresqueUrl() });
    this.#log = options.log ?? createJsonLogger();
    this.#acks = createAckBatcher(this.#client);
    this.#mode = this.#settings.transport === "poll" ? "poll" : "stream";
  }

  /** Takes jobs until stop(); resolves once stopped and drained. */
  run(): Promise<void> {
    this.#run ??= this.#lifecycle();
    return this.#run;
  }

  /** Stops taking jobs, waits for running ones (up to shutdownGraceMs), then disconnects. */
  stop(): Promise<void> {
    const drained = this.#drainOnce();
    return this.#run ?? drained;
  }

  #drainOnce(): Promise<void> {
    this.#drained ??= this.#drain();
    return this.#drained;
  }

  async #lifecycle(): Promise<void> {
    const { concurrency, heartbeatSeconds, name } = this.#settings;
    const onSignal = (signal: NodeJS.Signals) => {
      this.#log.info("worker stopping", { signal });
      void this.stop();
    };
    const handleSignals = this.#options.handleSignals ?? true;
    if (handleSignals) for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, onSignal);
    const presence = startPresence(
      this.#client,
      { name, queues: this.#options.queues, concurrency, heartbeatSeconds },
      () => ({
        workingOn: [...this.#running.values()].map(({ job: { queue, id }, startedAt }) => ({
          queue,
          id,
          startedAt,
        })),
        processed: this.#processed,
        failed: this.#failed,
      }),
      this.#log,
    );
    this.#log.info("worker started", { queues: this.#options.queues, concurrency });
    try {
      await this.#consume();
      await this.#drainOnce();
    } finally {
      await presence.stop();
      if (handleSignals) for (const signal of ["SIGTERM", "SIGINT"] as const) process.off(signal, onSignal);
      if (!this.#options.client) this.#client.close();
      this.#log.info("worker stopped", { processed: this.#processed, failed: this.#failed });
    }
  }

  /** Reads jobs until the source is closed, reconnecting with backoff. */
  async #consume(): Promise<void> {
    const { signal } = this.#source;
    const { queues } = this.#options;
    const { leaseSeconds, concurrency, transport } = this.#settings;
    let backoffMs = 100;
    while (!signal.aborted) {
      let subscribed = false;
      try {
        const jobs =
          this.#mode === "stream"
            ? streamJobs(this.#client, {
                queues,
                leaseSeconds,
                signal,
                prefetch: concurrency,
                onSubscribed: () => {
                  subscribed = true;
                  backoffMs = 100;
                },
              })
            : pollJobs(this.#client, { queues, leaseSeconds, signal, freeSlots: () => this.#freeSlots() });
        for await (const job of jobs) this.#accept(job);
      } catch (error) {
        // While draining, a broken stream is not worth reopening: running jobs ack over unary calls.
        if (signal.aborted || this.#stopping) break;
        const failure = ConnectError.from(error);
        const streamBroken = failure.code !== Code.Unavailable && failure.code !== Code.DeadlineExceeded;
        if (this.#mode === "stream" && transport === "auto" && !subscribed && streamBroken) {
          this.#log.warn("streaming is not available; falling back to long-poll", { error: failure.message });
          this.#mode = "poll";
          continue;
        }
        this.#log.warn("connection to presque failed; retrying", {
          error: failure.message,
          retryInMs: backoffMs,
        });
        await sleep(backoffMs, undefined, { signal }).catch(() => {});
        backoffMs = Math.min(backoffMs * 2, 5000);
      }
    }
  }

  #accept(job: Job): void {
    if (this.#stopping) return; // left unstarted: it goes back to the queue when the stream closes
    if (this.#running.size >= this.#settings.concurrency) this.#backlog.push(job);
    else this.#start(job);
  }

  #start(job: Job): void {
    const key = `${job.queue}/${job.id}`;
    const abort = new AbortController();
    this.#running.set(key, { job, abort, startedAt: Date.now() });
    const deps = {
      client: this.#client,
      options: this.#options,
      leaseSeconds: this.#settings.leaseSeconds,
      ack: this.#acks.ack,
      log: this.#log,
    };
    void runJob(deps, job, abort)
      .then((succeeded) => {
        if (succeeded) this.#processed++;
        else this.#failed++;
      })
      .finally(() => {
        this.#running.delete(key);
        const next = this.#stopping ? undefined : this.#backlog.shift();
        if (next) this.#start(next);
        this.#notify();
      });
  }

  #notify(): void {
    const waiting = this.#changed;
    this.#changed = [];
    for (const wake of waiting) wake();
  }

  #nextChange(): Promise<void> {
    return new Promise((resolve) => this.#changed.push(resolve));
  }

  async #freeSlots(): Promise<number> {
    for (;;) {
      const free = this.#settings.concurrency - this.#running.size - this.#backlog.length;
      if (free > 0) return free;
      await this.#nextChange();
    }
  }

  async #drain(): Promise<void> {
    this.#stopping = true;
    this.#backlog.length = 0;
    // A long poll holds no unstarted jobs: end it now. The stream stays open while jobs run,
    // because closing it gives every unsettled job of the subscription back, running ones too.
    if (this.#mode === "poll") this.#source.abort();
    const grace = AbortSignal.timeout(this.#settings.shutdownGraceMs);
    while (this.#running.size > 0 && !grace.aborted) {
      await Promise.race([
        this.#nextChange(),
        new Promise((resolve) => grace.addEventListener("abort", resolve)),
      ]);
    }
    if (this.#running.size > 0) {
      this.#log.warn("shutdown grace is over; giving back unfinished jobs", { running: this.#running.size });
      for (const { abort } of this.#running.values()) abort.abort(new Error("worker is shutting down"));
    }
    this.#source.abort();
  }
}
