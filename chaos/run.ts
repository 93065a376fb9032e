import { parseArgs } from "node:util";
import { formatRun } from "./report.ts";
import { type RunResult, runScenario } from "./run-scenario.ts";
import { scenarios, shortScenario } from "./scenarios.ts";

/*
 * `npm run chaos` (not part of `npm test`): every fault scenario of chaos/scenarios.ts against real
 * processes, one table per run, exit 1 if any run lost an acknowledged job, delivered one twice
 * without a reason, or answered 2xx for a write Redis never saw.
 *   node chaos/run.ts [--keep] [--short] [scenario ...]
 */
const { values, positionals } = parseArgs({
  options: { keep: { type: "boolean" }, short: { type: "boolean" } },
  allowPositionals: true,
});
const all = [...scenarios, shortScenario];
const chosen = values.short
  ? [shortScenario]
  : positionals.length > 0
    ? positionals.map((name) => {
        const scenario = all.find((s) => s.name === name);
        if (!scenario)
          throw new Error(`no scenario ${name}; there are: ${all.map((s) => s.name).join(", ")}`);
        return scenario;
      })
    : scenarios;

console.log(`presque chaos suite, ${new Date().toISOString()}, Node ${process.version}\n`);
const results: RunResult[] = [];
for (const scenario of chosen) {
  const result = await runScenario(scenario, { keep: values.keep });
  results.push(result);
  console.log(`${formatRun(result)}\n`);
}
const failed = results.filter((r) => r.verdict.failures.length > 0);
console.log(
  failed.length === 0
    ? `all ${results.length} runs passed`
    : `${failed.length} of ${results.length} runs FAILED`,
);
process.exit(failed.length === 0 ? 0 : 1);
