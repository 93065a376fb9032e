import { markdownTable } from "./markdown-table.ts";
import type { Lateness, Throughput } from "./measure.ts";

/** One line of the table: a scenario, both figures, and how many times better presque did. */
export interface Row {
  scenario: string;
  presque: string;
  bullmq: string;
  /** > 1: presque is better (more jobs/s, or less lateness). */
  ratio: number;
}

export function throughputRow(scenario: string, presque: Throughput, bullmq: Throughput): Row {
  return {
    scenario,
    presque: `${jobsPerSecond(presque)} jobs/s`,
    bullmq: `${jobsPerSecond(bullmq)} jobs/s`,
    ratio: presque.jobsPerSecond / bullmq.jobsPerSecond,
  };
}

/** Two rows, median and p99; lower lateness is better, so the ratio is BullMQ's over presque's. */
export function latenessRows(scenario: string, presque: Lateness, bullmq: Lateness): Row[] {
  return [
    { scenario: `${scenario}, median`, ...latenessCells(presque.medianMs, bullmq.medianMs) },
    { scenario: `${scenario}, p99`, ...latenessCells(presque.p99Ms, bullmq.p99Ms) },
  ];
}

function latenessCells(presqueMs: number, bullmqMs: number) {
  return {
    presque: `${presqueMs.toFixed(1)} ms`,
    bullmq: `${bullmqMs.toFixed(1)} ms`,
    ratio: bullmqMs / presqueMs,
  };
}

function jobsPerSecond(result: Throughput): string {
  return Math.round(result.jobsPerSecond).toLocaleString("en-US");
}

/** The comparisons as a Markdown table, so a run can be pasted into bench/README.md as is. */
export function formatTable(rows: Row[]): string {
  const header = ["scenario", "presque", "BullMQ", "ratio (>1: presque better)"];
  return markdownTable(
    header,
    rows.map((row) => [row.scenario, row.presque, row.bullmq, `${row.ratio.toFixed(2)}×`]),
  );
}
