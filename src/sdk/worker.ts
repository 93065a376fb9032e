import type { Job } from "../../gen/presque/v1/job_pb.ts";
import { createJsonLogger, type Logger } from "../log.ts";
import { createAckBatcher } from "./ack-batcher.ts";
import { createPresqueClient, defaultPresqueUrl, type PresqueClient } from "./client.ts";
import { withConnectionRetry } from "./connection-retry.ts";
import { consumeJobs } from "./consume-jobs.ts";
import { JobSignal } from "./job-signal.ts";
import { createLeaseClock } from "./lease-clock.ts";
import { createLeaseKeeper, type KeptLease, type LeaseKeeper } from "./lease-keeper.ts";
import { type RunJobDeps, runJob } from "./run-job.ts";
import { checkWorkerOptions, type WorkerOptions, workerClientOptions } from "./worker-options.ts";
import { startPresence } from "./worker-presence.ts";

/** A job as it arrived, with when its lease ends on the local clock (see lease-clock.ts). */
interface Received {
  job: Job;
  leaseEndsAt: number;
}

/** A job whose work has started: its lease (kept by the lease keeper) and its signal. */
interface Running extends KeptLease {
  job: Job;
  startedAt: number;
  abort: JobSignal;
}

/**
 * Runs work(job) for jobs of the given queues, `concurrency` at a time. Jobs come from the
 * Subscribe stream (falling back to long-poll), are acked when work resolves and nacked with the
 * error text when it throws. stop() (or SIGTERM/SIGINT) stops taking jobs and lets running ones
 * finish; jobs received but not started go back to the queue when the stream closes. A job whose
 * lease ran out before it could start (the process was stopped, or its event loop blocked) is
 * skipped: presque has taken it back and delivers it again, so running it would do it twice.
 */
export class Worker<Payload = unknown> {
  readonly #options: WorkerOptions<Payload>;
  readonly #settings: ReturnType<typeof checkWorkerOptions>;
  readonly #client: PresqueClient;
  readonly #log: Logger;
  readonly #acks: ReturnType<typeof createAckBatcher>;
  readonly #running = new Set<Running>();
  /** Jobs that arrived while every slot was busy (an ack's credit can outrun its reply). */
  readonly #backlog: Received[] = [];
  readonly #leaseClock: ReturnType<typeof createLeaseClock>;
  readonly #leases: LeaseKeeper;
  readonly #jobDeps: RunJobDeps<Payload>;
  readonly #source = new AbortController();
  #changed: (() => void)[] = [];
  #stopping = false;
  readonly #mode: { current: "stream" | "poll" };
  #processed = 0;
  #failed = 0;
  #skipped = 0;
  #run?: Promise<void>;
  #drained?: Promise<void>;

  constructor(options: WorkerOptions<Payload>) {
    this.#settings = checkWorkerOptions(options);
    this.#options = options;
    this.#client = options.client ?? createPresqueClient(workerClientOptions(options, defaultPresqueUrl()));
    this.#log = options.log ?? createJsonLogger();
    this.#acks = createAckBatcher(this.#client, this.#settings.connectionRetries);
    const { leaseSeconds, connectionRetries } = this.#settings;
    this.#leaseClock = createLeaseClock(leaseSeconds * 1000);
    this.#leases = createLeaseKeeper({
      leaseMs: leaseSeconds * 1000,
      extend: (ref) =>
        withConnectionRetry(connectionRetries, () =>
          this.#client.queue.extendLease({ ...ref, leaseSeconds }),
        ),
    });
    this.#jobDeps = { client: this.#client, options, connectionRetries, ack: this.#acks.ack, log: this.#log };
    this.#mode = { current: this.#settings.transport === "poll" ? "poll" : "stream" };
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
        workingOn: [...this.#running].map(({ job: { queue, id }, startedAt }) => ({
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
      await consumeJobs({
        client: this.#client,
        queues: this.#options.queues,
        ...this.#settings,
        signal: this.#source.signal,
        log: this.#log,
        mode: this.#mode,
        accept: (job) => this.#accept(job),
        freeSlots: () => this.#freeSlots(),
        stopping: () => this.#stopping,
      });
      await this.#drainOnce();
    } finally {
      this.#leases.stop();
      await presence.stop();
      if (handleSignals) for (const signal of ["SIGTERM", "SIGINT"] as const) process.off(signal, onSignal);
      if (!this.#options.client) this.#client.close();
      const counts = { processed: this.#processed, failed: this.#failed, skipped: this.#skipped };
      this.#log.info("worker stopped", counts);
    }
  }

  #accept(job: Job): void {
    const received = { job, leaseEndsAt: this.#leaseClock.received(job) };
    if (this.#stopping) return; // left unstarted: it goes back to the queue when the stream closes
    if (this.#running.size >= this.#settings.concurrency) this.#backlog.push(received);
    else this.#start(received);
  }

  #start({ job, leaseEndsAt }: Received): void {
    if (this.#leaseClock.isOver(leaseEndsAt)) {
      this.#skipped++;
      this.#log.info("skipped a job whose lease ran out before it could start; presque delivers it again", {
        queue: job.queue,
        id: job.id,
        attempt: job.attempt,
      });
      this.#startNext();
      this.#notify();
      return;
    }
    void this.#work(job, leaseEndsAt);
  }

  async #work(job: Job, leaseEndsAt: number): Promise<void> {
    const ref = { queue: job.queue, id: job.id, leaseToken: job.leaseToken };
    const abort = new JobSignal();
    const log = this.#log;
    const running: Running = {
      job,
      ref,
      endsAt: leaseEndsAt,
      startedAt: Date.now(),
      abort,
      onLost(error) {
        log.warn("lost the lease of a running job; it may run twice", {
          queue: job.queue,
          id: job.id,
          error,
        });
        abort.abort(new Error("lease lost"));
      },
    };
    this.#running.add(running);
    this.#leases.keep(running);
    try {
      if (await runJob(this.#jobDeps, job, ref, abort)) this.#processed++;
      else this.#failed++;
    } finally {
      this.#leases.release(running);
      this.#running.delete(running);
      this.#startNext();
      this.#notify();
    }
  }

  #startNext(): void {
    const next = this.#stopping ? undefined : this.#backlog.shift();
    if (next) this.#start(next);
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
    if (this.#mode.current === "poll") this.#source.abort();
    const grace = AbortSignal.timeout(this.#settings.shutdownGraceMs);
    while (this.#running.size > 0 && !grace.aborted) {
      await Promise.race([
        this.#nextChange(),
        new Promise((resolve) => grace.addEventListener("abort", resolve)),
      ]);
    }
    if (this.#running.size > 0) {
      this.#log.warn("shutdown grace is over; giving back unfinished jobs", { running: this.#running.size });
      for (const { abort } of this.#running) abort.abort(new Error("worker is shutting down"));
    }
    this.#source.abort();
  }
}
