import { fileURLToPath } from "node:url";
import { runTool } from "../load/run-tool.ts";
import { median } from "../measure.ts";
import { wrkPresque } from "./rest-ceilings.ts";
import type { ServedScenario } from "./served-context.ts";
import { servedPlan } from "./served-plan.ts";
import { servePresque } from "./served-presque.ts";

const bin = fileURLToPath(new URL("../../bin/presque.js", import.meta.url));

/**
 * Target 7: wrk POST /q/ against `presque serve --workers N` for each N of the plan, one server at
 * a time (each N its own process tree). Skipped, and said so, while serve has no --workers.
 */
export const serverWorkersCurve: ServedScenario = async (context, figures) => {
  if (!context.tools.wrk) {
    figures.notes.push("--workers curve skipped: wrk is not installed");
    return;
  }
  const help = await runTool(process.execPath, [bin, "serve", "--help"], 20_000);
  if (!help.stdout.includes("--workers")) {
    figures.notes.push("--workers curve skipped: `presque serve --help` has no --workers yet");
    return;
  }
  const curve: { workers: number; requestsPerSecond: number }[] = [];
  for (const workers of servedPlan.serverWorkers) {
    const presque = await servePresque(context.redisUrl, ["--workers", String(workers)]);
    try {
      const rates: number[] = [];
      for (let round = 0; round < servedPlan.rounds; round++)
        rates.push(await wrkPresque(context, presque.url));
      curve.push({ workers, requestsPerSecond: median(rates) });
    } finally {
      await presque.stop();
    }
  }
  figures.serverWorkers = curve;
};
