import { spawn } from "node:child_process";
import type { WorkerJob } from "../sdk/worker-options.ts";

export interface JobProcessOptions {
  /** Kill the program after this long (0: never). */
  timeoutMs: number;
  /** Extra variables, e.g. PRESQUE_URL. */
  env?: Record<string, string>;
}

/** What of stderr is kept for the nack: the end is where programs say what went wrong. */
const stderrTailBytes = 2000;
/** After SIGTERM (timeout, lost lease), a program gets this long before SIGKILL. */
const killGraceMs = 5000;

/**
 * Runs the program once for one job: the payload as JSON on stdin, the job in PRESQUE_*
 * variables, stdout passed through, stderr passed through and its tail kept. Resolves on exit 0;
 * otherwise rejects with the exit status and the tail of stderr, which becomes the nack's error.
 */
export function runJobProcess(command: string[], job: WorkerJob, options: JobProcessOptions): Promise<void> {
  const [program, ...args] = command as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      stdio: ["pipe", "inherit", "pipe"],
      // Its own process group: a timeout kills the program's children too (sh -c 'sleep 60'
      // would otherwise leave sleep holding stderr open), and a Ctrl-C meant for presque work
      // does not kill the jobs it is draining.
      detached: true,
      env: {
        ...process.env,
        ...options.env,
        PRESQUE_JOB_ID: job.id,
        PRESQUE_JOB_ATTEMPT: String(job.attempt),
        PRESQUE_JOB_DELIVERIES: String(job.deliveries),
        PRESQUE_QUEUE: job.queue,
        PRESQUE_JOB_ENQUEUED_AT: job.enqueuedAt.toISOString(),
        // the W3C trace context, under the name OpenTelemetry's environment propagation reads
        ...(job.traceparent ? { TRACEPARENT: job.traceparent } : {}),
      },
    });
    let tail = Buffer.alloc(0);
    child.stderr.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      tail = Buffer.concat([tail, chunk]).subarray(-stderrTailBytes);
    });
    // A program that exits without reading stdin closes the pipe under us; its exit status decides.
    child.stdin.on("error", () => {});
    child.stdin.end(`${JSON.stringify(job.payload)}\n`);

    let stopReason: string | undefined;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {} // already gone
    };
    const stop = (reason: string) => {
      stopReason ??= reason;
      killGroup("SIGTERM");
      setTimeout(() => killGroup("SIGKILL"), killGraceMs).unref();
    };
    const timer =
      options.timeoutMs > 0
        ? setTimeout(() => stop(`timed out after ${options.timeoutMs / 1000}s`), options.timeoutMs)
        : undefined;
    const onAbort = () => stop(String(job.signal.reason?.message ?? "aborted"));
    job.signal.addEventListener("abort", onAbort, { once: true });

    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${program}: ${error.message}`));
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      job.signal.removeEventListener("abort", onAbort);
      if (code === 0 && stopReason === undefined) return resolve();
      const status = stopReason ?? (signal ? `killed by ${signal}` : `exit code ${code}`);
      const stderr = tail.toString("utf8").trim();
      reject(new Error(stderr ? `${status}: ${stderr}` : status));
    });
  });
}
