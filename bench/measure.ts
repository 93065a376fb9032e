import { performance } from "node:perf_hooks";

export interface Throughput {
  jobs: number;
  seconds: number;
  jobsPerSecond: number;
}

export interface Lateness {
  jobs: number;
  medianMs: number;
  p99Ms: number;
}

export function throughput(jobs: number, startMs: number, endMs: number): Throughput {
  const seconds = (endMs - startMs) / 1000;
  return { jobs, seconds, jobsPerSecond: jobs / seconds };
}

/**
 * Runs `task(i)` for i in [0, total) with at most `concurrency` in flight, the way N clients each
 * sending one request after the other would.
 */
export async function runPool(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < total) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
}

/** Times `total` tasks run by runPool. */
export async function timePool(
  total: number,
  concurrency: number,
  jobsPerTask: number,
  task: (index: number) => Promise<unknown>,
): Promise<Throughput> {
  const start = performance.now();
  await runPool(total, concurrency, task);
  return throughput(total * jobsPerTask, start, performance.now());
}

/**
 * Runs `task(i)` from `concurrency` lanes until `durationMs` have passed (each lane finishing the
 * task it is in): for scenarios whose rate may differ 10× between versions, a count would take
 * minutes on a slow one.
 */
export async function timeFor(
  durationMs: number,
  concurrency: number,
  task: (index: number) => Promise<unknown>,
): Promise<Throughput> {
  let next = 0;
  const start = performance.now();
  const end = start + durationMs;
  const lane = async () => {
    while (performance.now() < end) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return throughput(next, start, performance.now());
}

/**
 * A stopwatch over a job counter: it starts once `warmup` jobs are done (so connection set-up and
 * JIT warm-up are not measured) and stops at `warmup + jobs`. Counts may jump by a batch; the
 * rate uses the exact counts at start and stop.
 */
export function createProgressStopwatch(warmup: number, jobs: number) {
  let done = 0;
  let startMs = 0;
  let startCount = 0;
  let finish: (result: Throughput) => void = () => {};
  const finished = new Promise<Throughput>((resolve) => {
    finish = resolve;
  });
  return {
    finished,
    get done() {
      return done;
    },
    add(count: number) {
      const before = done;
      done += count;
      const now = performance.now();
      if (before < warmup && done >= warmup) {
        startMs = now;
        startCount = done;
      }
      if (before < warmup + jobs && done >= warmup + jobs)
        finish(throughput(done - startCount, startMs, now));
    },
  };
}

export function latenessOf(samplesMs: number[]): Lateness {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { jobs: sorted.length, medianMs: at(0.5), p99Ms: at(0.99) };
}

/** Rejects when `promise` takes longer than `ms`, naming what hung. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whole milliseconds (BullMQ takes no fractions) spread evenly over [minMs, maxMs], shuffled so
 * due order differs from enqueue order.
 */
export function spreadDelays(count: number, minMs: number, maxMs: number): number[] {
  const delays = Array.from({ length: count }, (_, i) =>
    Math.round(minMs + ((maxMs - minMs) * i) / (count - 1)),
  );
  for (let i = delays.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [delays[i], delays[j]] = [delays[j] as number, delays[i] as number];
  }
  return delays;
}

/**
 * Runs every contender once per round, in turn (so drift in the machine's load hits all of them
 * alike), and collects each one's results.
 */
export async function takeTurns<K extends string, T>(
  rounds: number,
  contenders: Record<K, () => Promise<T>>,
): Promise<Record<K, T[]>> {
  const names = Object.keys(contenders) as K[];
  const results = Object.fromEntries(names.map((name) => [name, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < rounds; round++) {
    for (const name of names) results[name].push(await contenders[name]());
  }
  return results;
}

/** The round with the median rate (the middle one of an odd count). */
export function medianThroughput(results: Throughput[]): Throughput {
  const sorted = [...results].sort((a, b) => a.jobsPerSecond - b.jobsPerSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (median === undefined) throw new Error("no results");
  return median;
}

/** The middle value (the lower middle of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (middle === undefined) throw new Error("no values");
  return middle;
}
