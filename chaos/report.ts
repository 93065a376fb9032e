import { describeFault } from "./faults.ts";
import type { RunResult } from "./run-scenario.ts";

const row = (label: string, value: string | number, note = "") =>
  `  ${label.padEnd(34)} ${String(value).padStart(7)}  ${note}`.trimEnd();

/** One table per run: what the checker counted, and its verdict. */
export function formatRun(result: RunResult): string {
  const { scenario, verdict: v } = result;
  const r = v.redeliveries;
  const duplicates = r.crash + r.release + r["expired lease"] + r.everysec + r.unexplained;
  const lines = [
    `${scenario.name} (appendfsync ${scenario.fsync}, ${scenario.loadMs / 1000} s of load, ${result.seconds.toFixed(0)} s in all)`,
    ...scenario.faults.map((f) => `  fault: ${describeFault(f)}`),
    row("enqueues answered 2xx", v.enqueued, `${v.retried} jobs sent again, ${v.gaveUp} given up`),
    row(
      "  requests tried again",
      Object.values(v.retryReasons).reduce((sum, n) => sum + n, 0),
      Object.entries(v.retryReasons)
        .map(([reason, n]) => `${reason} ×${n}`)
        .join(", "),
    ),
    row("deliveries", v.deliveries, `of ${v.deliveredJobs} jobs`),
    row("acked enqueues lost", v.lost.length),
    row(
      "  lost within the everysec window",
      v.expectedLoss.length,
      scenario.fsync === "everysec" ? "(expected)" : "",
    ),
    row("  gone after delivery, never acked", v.vanished.length),
    row(
      "duplicates",
      duplicates,
      `expired lease ${r["expired lease"]}, release ${r.release}, crash ${r.crash}` +
        (r.everysec > 0 ? `, everysec ${r.everysec}` : ""),
    ),
    row("  unexplained", r.unexplained),
    row("unexpected deliveries", v.unexpected, `(${v.unconfirmed} delivered after the producer gave up)`),
    row(
      "stuck jobs",
      v.stuck.ready + v.stuck.delayed + v.stuck.leased,
      `ready ${v.stuck.ready}, delayed ${v.stuck.delayed}, leased ${v.stuck.leased}; dead letters ${v.stuck.dead}`,
    ),
    row("2xx answered while Redis unreachable", v.outage.answered, `false 2xx ${v.outage.falseTwoXx}`),
    row(
      "  answered after waiting out Redis",
      v.outage.waited,
      `longest answer ${(v.longestAnswerMs / 1000).toFixed(1)} s`,
    ),
    row("verdict", v.failures.length === 0 ? "PASS" : "FAIL"),
    ...v.failures.map((failure) => `  - ${failure}`),
  ];
  if (result.dir) lines.push(`  logs kept in ${result.dir}`);
  return lines.join("\n");
}
