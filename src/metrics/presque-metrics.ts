import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { RedisHealth } from "../engine/store/redis-health.ts";
import type { StatsReader } from "../engine/views/queue-stats.ts";
import { createRequestSeries } from "./request-series.ts";

export interface PresqueMetrics {
  /** Reads Redis (queue sizes, lifetime counters, a PING) and renders the Prometheus text. */
  scrape(): Promise<string>;
  contentType: string;
  /** One finished request: `route` is a template (metrics/route-label.ts), never a raw path. */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  observeAckLatency(queue: string, milliseconds: number): void;
}

/**
 * The metrics of one presque process, in a registry of its own (no prom-client globals, so tests
 * can build several). Queue gauges and job counters are read from Redis at scrape time: they are
 * the cluster-wide truth, the same from every presque process. Request and ack-latency metrics
 * are this process's own; sum them across processes in PromQL.
 */
export function createPresqueMetrics({
  stats,
  health,
}: {
  stats: StatsReader;
  health: Pick<RedisHealth, "ping">;
}): PresqueMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const queueGauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ["queue"] as const, registers });
  const queueCounter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ["queue"] as const, registers });

  const ready = queueGauge("presque_queue_ready", "Jobs ready to be fetched now.");
  const delayed = queueGauge("presque_queue_delayed", "Jobs waiting for their due time.");
  const inFlight = queueGauge("presque_queue_in_flight", "Jobs leased and not yet acked.");
  const dead = queueGauge("presque_queue_dead", "Dead letters kept now.");
  const stopped = queueGauge("presque_queue_stopped", "1 when the queue is stopped (hands out nothing).");
  const oldestAge = queueGauge(
    "presque_queue_oldest_ready_age_seconds",
    "Seconds the next job to be handed out has waited since enqueue; 0 when nothing is ready.",
  );
  const counters = {
    enqueued: queueCounter("presque_jobs_enqueued_total", "Jobs enqueued since the queue was created."),
    processed: queueCounter("presque_jobs_processed_total", "Jobs acked, or fetched without a lease."),
    failed: queueCounter("presque_jobs_failed_total", "Nacks and presque-style requeues (PUT /q/:queue)."),
    expiredLeases: queueCounter(
      "presque_leases_expired_total",
      "Leases that ran out and put their job back.",
    ),
    deadTotal: queueCounter("presque_jobs_dead_total", "Jobs that went to dead letters."),
  };
  const redisPing = new Gauge({
    name: "presque_redis_ping_seconds",
    help: "Round-trip time of a PING to Redis, measured at this scrape.",
    registers,
  });
  // Counted per series in plain numbers (request-series.ts): these two move on every request.
  const requests = createRequestSeries(
    registry,
    {
      name: "presque_requests_total",
      help: "HTTP requests (REST and RPC) by route template or RPC procedure.",
    },
    {
      name: "presque_request_duration_seconds",
      help: "Time from request to the end of the response (streams: their whole life).",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    },
  );
  const ackLatency = new Histogram({
    name: "presque_ack_latency_seconds",
    help: "Time from enqueue to ack (Redis clock), observed by the process that took the ack.",
    labelNames: ["queue"] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
    registers,
  });
  // one labelled child per queue, made once: labels() hashes and checks the labels on every call
  const ackLatencyByQueue = new Map<string, ReturnType<typeof ackLatency.labels>>();

  const readRedis = async () => {
    redisPing.set(await health.ping());
    const snapshot = await stats.snapshot();
    // Reset first: a queue that is gone must not keep its last value forever.
    for (const metric of [ready, delayed, inFlight, dead, stopped, oldestAge, ...Object.values(counters)])
      metric.reset();
    for (const { info, oldestReadyAgeSeconds } of snapshot.queues) {
      const labels = { queue: info.queue };
      ready.set(labels, info.ready);
      delayed.set(labels, info.delayed);
      inFlight.set(labels, info.inFlight);
      dead.set(labels, info.dead);
      stopped.set(labels, info.stopped ? 1 : 0);
      oldestAge.set(labels, oldestReadyAgeSeconds);
      for (const [field, counter] of Object.entries(counters)) {
        counter.inc(labels, info[field as keyof typeof counters]);
      }
    }
  };

  // Scrapes that overlap share one read: resetting and refilling the gauges is not reentrant.
  let inFlightScrape: Promise<string> | undefined;
  const scrape = async () => {
    await readRedis();
    return registry.metrics();
  };

  return {
    scrape() {
      inFlightScrape ??= scrape().finally(() => {
        inFlightScrape = undefined;
      });
      return inFlightScrape;
    },
    contentType: registry.contentType,
    observeRequest(route, method, status, seconds) {
      requests.observe(route, method, status, seconds);
    },
    observeAckLatency(queue, milliseconds) {
      let child = ackLatencyByQueue.get(queue);
      if (child === undefined) {
        child = ackLatency.labels({ queue });
        ackLatencyByQueue.set(queue, child);
      }
      child.observe(milliseconds / 1000);
    },
  };
}
