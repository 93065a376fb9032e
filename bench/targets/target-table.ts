import { plan } from "../bench-plan.ts";
import { markdownTable } from "../markdown-table.ts";
import { servedPlan } from "../served/served-plan.ts";
import type { BytesPerJob, Figures } from "./figures.ts";

/** One line of the targets table: issue #12's target, what was measured, and whether it holds. */
interface TargetRow {
  target: string;
  measured: string;
  value: string;
  wanted: string;
  holds: "yes" | "no" | "—";
}

const rate = (perSecond: number) => Math.round(perSecond).toLocaleString("en-US");
const times = (ratio: number) => `${ratio.toFixed(2)}×`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const holds = (ok: boolean) => (ok ? "yes" : "no");
const missing = (target: string, wanted: string): TargetRow => ({
  target,
  measured: "not measured (see the notes below)",
  value: "—",
  wanted,
  holds: "—",
});

/** Each of the issue's targets from one run's figures. */
export function targetRows(f: Figures): TargetRow[] {
  return [rest(f), rpc(f), producer(f), worker(f), latency(f), delayed(f), memory(f), rss(f), workers(f)];
}

function rest({ rest, bullmqAdd }: Figures): TargetRow {
  const target = `1. REST POST /q/ (wrk -c${servedPlan.wrkConnections}) / bare node:http POST`;
  if (!rest) return missing(target, "≥ 0.60×");
  const ratio = rest.presque / rest.bareHttp;
  const bull =
    bullmqAdd === undefined
      ? ""
      : `; BullMQ add in-process ${rate(bullmqAdd)} (${times(rest.presque / bullmqAdd)})`;
  return {
    target,
    measured:
      `presque ${rate(rest.presque)} req/s; bare node:http ${rate(rest.bareHttp)}; node:http + 1 script ` +
      `${rate(rest.httpPlusRedis)} (${times(rest.presque / rest.httpPlusRedis)})${bull}`,
    value: times(ratio),
    wanted: "≥ 0.60×",
    holds: holds(ratio >= 0.6),
  };
}

function rpc({ rpc }: Figures): TargetRow {
  const target = `2. Connect Enqueue, h2c (h2load -m${servedPlan.h2Streams}) / no-op connect-es`;
  if (!rpc) return missing(target, "≥ 0.80×");
  const ratio = rpc.presque / rpc.noopConnect;
  return {
    target,
    measured:
      `presque ${rate(rpc.presque)} req/s; no-op connect-es ${rate(rpc.noopConnect)}; ` +
      `bare node:http2 ${rate(rpc.bareHttp2)} (${times(rpc.presque / rpc.bareHttp2)})`,
    value: times(ratio),
    wanted: "≥ 0.80×",
    holds: holds(ratio >= 0.8),
  };
}

function producer({ producer, bullmqAdd }: Figures): TargetRow {
  const target = `3. SDK client.enqueue, ${servedPlan.producerCallers} callers / BullMQ add, as many in flight`;
  if (!producer || bullmqAdd === undefined) return missing(target, "≥ 5×");
  const ratio = producer.presque / bullmqAdd;
  return {
    target,
    measured: `presque ${rate(producer.presque)} jobs/s; BullMQ add ${rate(bullmqAdd)}`,
    value: times(ratio),
    wanted: "≥ 5×",
    holds: holds(ratio >= 5),
  };
}

function worker({ worker }: Figures): TargetRow {
  const target = `4. SDK Worker(${plan.bullmqWorkerConcurrency}) / BullMQ Worker(${plan.bullmqWorkerConcurrency}), no-op jobs`;
  if (!worker) return missing(target, "≥ 3×");
  const ratio = worker.presque / worker.bullmq;
  return {
    target,
    measured: `presque ${rate(worker.presque)} jobs/s; BullMQ ${rate(worker.bullmq)}`,
    value: times(ratio),
    wanted: "≥ 3×",
    holds: holds(ratio >= 3),
  };
}

function latency({ latency }: Figures): TargetRow {
  const target = `5. enqueue → work(), idle Worker, 1 job / ${servedPlan.latencyEveryMs} ms`;
  const wanted = "p50 ≤ 2 ms, p99 ≤ 10 ms";
  if (!latency) return missing(target, wanted);
  return {
    target,
    measured: `${servedPlan.latencyJobs.toLocaleString("en-US")} jobs`,
    value: `p50 ${ms(latency.p50Ms)}, p99 ${ms(latency.p99Ms)}`,
    wanted,
    holds: holds(latency.p50Ms <= 2 && latency.p99Ms <= 10),
  };
}

function delayed({ delayed }: Figures): TargetRow {
  const target = `5. delayed jobs (${plan.delayMinMs}-${plan.delayMaxMs} ms), lateness`;
  if (!delayed) return missing(target, "median ≤ 5 ms");
  return {
    target,
    measured: `${plan.rounds}x${plan.delayedJobs} jobs, long-poll Fetch; p99 ${ms(delayed.p99Ms)}`,
    value: `median ${ms(delayed.medianMs)}`,
    wanted: "median ≤ 5 ms",
    holds: holds(delayed.medianMs <= 5),
  };
}

function memory({ memory }: Figures): TargetRow {
  const target = `6. Redis bytes per waiting job (${servedPlan.memoryPayloadBytes} B payload) / BullMQ`;
  const waiting = { presque: memory?.presque.waiting, bullmq: memory?.bullmq.waiting };
  if (waiting.presque === undefined || waiting.bullmq === undefined) return missing(target, "≤ 0.40×");
  const ratio = waiting.presque / waiting.bullmq;
  return {
    target,
    measured: `presque ${bytes(memory?.presque)}; BullMQ ${bytes(memory?.bullmq)}`,
    value: times(ratio),
    wanted: "≤ 0.40×",
    holds: holds(ratio <= 0.4),
  };
}

function bytes(perJob: BytesPerJob | undefined): string {
  return Object.entries(perJob ?? {})
    .map(([state, value]) => `${state} ${Math.round(value)} B`)
    .join(", ");
}

function rss({ rss }: Figures): TargetRow {
  const jobs = (rss?.jobs ?? servedPlan.rssJobs).toLocaleString("en-US");
  const target = `6. presque RSS: empty (warm) → ${jobs} waiting → drained`;
  if (!rss) return missing(target, "within ±20%");
  const change = (kb: number) => (kb - rss.emptyKb) / rss.emptyKb;
  const worst = [change(rss.fullKb), change(rss.drainedKb)].reduce((a, b) =>
    Math.abs(b) > Math.abs(a) ? b : a,
  );
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  const note = servedPlan.rssMillion ? "" : " (BENCH_MILLION=1 for 1M)";
  return {
    target,
    measured: `${mb(rss.emptyKb)} → ${mb(rss.fullKb)} → ${mb(rss.drainedKb)} (${mb(rss.startKb)} before warm-up)${note}`,
    value: `${worst >= 0 ? "+" : ""}${(worst * 100).toFixed(0)}%`,
    wanted: "within ±20%",
    holds: holds(Math.abs(worst) <= 0.2),
  };
}

function workers({ serverWorkers }: Figures): TargetRow {
  const target = "7. presque serve --workers N, REST POST /q/ req/s";
  if (!serverWorkers) return { ...missing(target, "a scaling curve"), holds: "no" };
  const one = serverWorkers.find((point) => point.workers === 1)?.requestsPerSecond;
  return {
    target,
    measured: serverWorkers.map((point) => `N=${point.workers}: ${rate(point.requestsPerSecond)}`).join("; "),
    value: serverWorkers
      .filter((point) => point.workers !== 1 && one !== undefined)
      .map((point) => `N=${point.workers}: ${times(point.requestsPerSecond / (one ?? 1))}`)
      .join(", "),
    wanted: "a scaling curve",
    holds: "—",
  };
}

/** The targets as a Markdown table, then the notes on what was not measured. */
export function formatTargets(figures: Figures): string {
  const header = ["target (issue #12)", "measured", "value", "wanted", "holds"];
  const lines = targetRows(figures).map((row) => [
    row.target,
    row.measured,
    row.value,
    row.wanted,
    row.holds,
  ]);
  const notes = figures.notes.map((note) => `- ${note}`).join("\n");
  return `${markdownTable(header, lines, 2)}${notes ? `\n\n${notes}` : ""}`;
}
