import { plan } from "../bench-plan.ts";
import { latenessOf } from "../measure.ts";
import { presqueDelayed } from "../presque-delayed.ts";
import type { ServedScenario } from "./served-context.ts";

/** Target 5, delayed jobs: the in-process scenario's jobs and consumers, against the served presque. */
export const delayedLateness: ServedScenario = async (context, figures) => {
  const samples: number[] = [];
  for (let round = 0; round < plan.rounds; round++)
    samples.push(...(await presqueDelayed(context.presque.url)));
  const { medianMs, p99Ms } = latenessOf(samples);
  figures.delayed = { medianMs, p99Ms };
};
