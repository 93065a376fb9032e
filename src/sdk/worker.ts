import type { Job } from "../../gen/presque/v1/job_pb.ts";
import { createJsonLogger, type Logger } from "../log.ts";
import { type AckReply, createAckBatcher } from "./ack-batcher.ts";
import { createPresqueClient, defaultPresqueUrl, type PresqueClient } from "./client.ts";
import { withConnectionRetry } from "./connection-retry.ts";
import { consumeJobs } from "./consume-jobs.ts";
import { HeldJob } from "./held-job.ts";
import { createLeaseClock } from "./lease-clock.ts";
import { createLeaseKeeper, type LeaseKeeper } from "./lease-keeper.ts";
import { type RunJobDeps, reportAckAnswer, runJob } from "./run-job.ts";
import { checkWorkerOptions, type WorkerOptions, workerClientOptions } from "./worker-options.ts";
import { startPresence } from "./worker-presence.ts";

/**
 * Runs work(job) for jobs of the given queues, `concurrency` at a time. Jobs come from the
 * Subscribe stream (falling back to long-poll), up to `prefetch` held at once, are acked when
 * work resolves and nacked with the error text when it throws. A slot is free again as soon as
 * work resolves; the ack's answer is awaited only by stop(). stop() (or SIGTERM/SIGINT) stops
 * taking jobs and lets running ones finish; jobs received but not started go back to the queue
 * when the stream closes. A job whose lease ran out before it could start (the process was
 * stopped, or its event loop blocked) is skipped: presque has taken it back and delivers it
 * again, so running it would do it twice.
 */
export class Worker<Payload = unknown> {
  readonly #options: WorkerOptions<Payload>;
  readonly #settings: ReturnType<typeof checkWorkerOptions>;
  readonly #client: PresqueClient;
  readonly #log: Logger;
  readonly #acks: ReturnType<typeof createAckBatcher<HeldJob>>;
  /** Jobs whose work runs now. */
  readonly #running = new Set<HeldJob>();
  /** Jobs received while every slot was busy, oldest first; their leases are kept. */
  readonly #backlog: HeldJob[] = [];
  /** Jobs whose work is over and whose ack has not been answered yet. */
  #settling = 0;
  readonly #leaseClock: ReturnType<typeof createLeaseClock>;
  readonly #leases: LeaseKeeper<HeldJob>;
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
    const { leaseSeconds, connectionRetries } = this.#settings;
    this.#acks = createAckBatcher<HeldJob>(this.#client, connectionRetries, (held, reply) =>
      this.#acked(held, reply),
    );
    this.#leaseClock = createLeaseClock(leaseSeconds * 1000);
    this.#leases = createLeaseKeeper<HeldJob>({
      leaseMs: leaseSeconds * 1000,
      extend: (ref) =>
        withConnectionRetry(connectionRetries, () =>
          this.#client.queue.extendLease({ ...ref, leaseSeconds }),
        ),
      onLost: (held, error) => this.#lost(held, error),
    });
    this.#jobDeps = {
      client: this.#client,
      options,
      connectionRetries,
      ack: (held) => this.#acks.ack(held),
      worked: (held, succeeded) => this.#worked(held, succeeded),
      log: this.#log,
    };
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
        workingOn: [...this.#running].map(({ job: { queue, id }, startedAt }) => ({ queue, id, startedAt })),
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
    if (this.#stopping) return; // left unstarted: it goes back to the queue when the stream closes
    const held = new HeldJob(job, this.#leaseClock.received(job));
    if (this.#running.size < this.#settings.concurrency) {
      if (!this.#canStart(held)) return;
      this.#leases.keep(held);
      this.#start(held);
      return;
    }
    this.#leases.keep(held); // from now on, so a job waiting for a slot stays leased
    this.#backlog.push(held);
  }

  /** False (and the job skipped) when its lease is over or was lost before it could start. */
  #canStart(held: HeldJob): boolean {
    if (!held.lost && !this.#leaseClock.isOver(held.endsAt)) return true;
    this.#leases.release(held);
    this.#skipped++;
    const { queue, id, attempt } = held.job;
    this.#log.info("skipped a job whose lease ran out before it could start; presque delivers it again", {
      queue,
      id,
      attempt,
    });
    return false;
  }

  /** Its lease is kept already. */
  #start(held: HeldJob): void {
    held.state = "running";
    held.startedAt = Date.now();
    this.#running.add(held);
    void runJob(this.#jobDeps, held);
  }

  /** Work is over: the slot is free; a succeeded job waits for its ack's answer in #acked. */
  #worked(held: HeldJob, succeeded: boolean): void {
    this.#running.delete(held);
    if (succeeded) {
      this.#processed++;
      held.state = "settling";
      this.#settling++;
    } else {
      this.#failed++;
      this.#leases.release(held); // the nack was answered (or gave up)
    }
    this.#startNext();
    this.#notify();
  }

  #acked(held: HeldJob, reply: AckReply): void {
    this.#settling--;
    this.#leases.release(held);
    reportAckAnswer(this.#log, held.job, reply);
    if (this.#stopping) this.#notify();
  }

  /** The lease keeper could not extend this job's lease. */
  #lost(held: HeldJob, error: unknown): void {
    if (held.state === "settling") return; // its ack's answer says what became of it
    if (held.state === "waiting") {
      held.lost = true; // skipped when its turn comes
      return;
    }
    const { queue, id } = held.job;
    this.#log.warn("lost the lease of a running job; it may run twice", { queue, id, error });
    held.abort(new Error("lease lost"));
  }

  #startNext(): void {
    while (!this.#stopping && this.#running.size < this.#settings.concurrency) {
      const next = this.#backlog.shift();
      if (next === undefined) return;
      if (this.#canStart(next)) this.#start(next);
    }
  }

  #notify(): void {
    if (this.#changed.length === 0) return;
    const waiting = this.#changed;
    this.#changed = [];
    for (const wake of waiting) wake();
  }

  #nextChange(): Promise<void> {
    return new Promise((resolve) => this.#changed.push(resolve));
  }

  /** For long-poll: a poll takes only what it can start (nothing would give the rest back at stop). */
  async #freeSlots(): Promise<number> {
    for (;;) {
      const free = this.#settings.concurrency - this.#running.size - this.#backlog.length;
      if (free > 0) return free;
      await this.#nextChange();
    }
  }

  async #drain(): Promise<void> {
    this.#stopping = true;
    for (const held of this.#backlog) this.#leases.release(held);
    this.#backlog.length = 0;
    // A long poll holds no unstarted jobs: end it now. The stream stays open while jobs run and
    // their acks are answered, because closing it gives every unsettled job of the subscription
    // back, running ones too.
    if (this.#mode.current === "poll") this.#source.abort();
    const grace = AbortSignal.timeout(this.#settings.shutdownGraceMs);
    while (this.#running.size + this.#settling > 0 && !grace.aborted) {
      await Promise.race([
        this.#nextChange(),
        new Promise((resolve) => grace.addEventListener("abort", resolve)),
      ]);
    }
    if (this.#running.size > 0) {
      this.#log.warn("shutdown grace is over; giving back unfinished jobs", { running: this.#running.size });
      for (const held of this.#running) held.abort(new Error("worker is shutting down"));
    }
    this.#source.abort();
  }
}
