import type { Engine } from "../engine.ts";
import type { Store } from "../store/store.ts";

export interface DepthSampler {
  /** Samples every queue once now (tests; the timer does the same). */
  sampleNow(): Promise<void>;
  stop(): void;
}

/**
 * Depth over time cannot be derived from event counters (purges, expiries), so every presque
 * process writes each queue's ready/delayed/in-flight counts into the current minute bucket every
 * `intervalMs`. Several processes overwrite each other's samples with equally fresh ones, which
 * is fine for a gauge; the bucket keeps its ~65-minute expiry, so retention stays bounded.
 */
export function startDepthSampler(options: {
  engine: Engine;
  store: Store;
  intervalMs: number;
  onError: (error: unknown) => void;
}): DepthSampler {
  const { engine, store } = options;
  const sampleNow = async () => {
    const names = await engine.queues.listQueues();
    if (names.length === 0) return;
    const [infos, nowMs] = await Promise.all([
      Promise.all(names.map((name) => engine.queues.queueInfo(name))),
      store.nowMs(),
    ]);
    await store.minutes.writeDepths(Math.floor(nowMs / 60_000), infos);
  };
  let running = false;
  const tick = () => {
    if (running) return; // a slow Redis must not pile up passes
    running = true;
    sampleNow()
      .catch(options.onError)
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  tick(); // the current minute gets its depth now, not one interval later
  return { sampleNow, stop: () => clearInterval(timer) };
}
