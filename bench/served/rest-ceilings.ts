import { createKeepAliveClient, expectStatus } from "../http-client.ts";
import { runWrk } from "../load/wrk.ts";
import { median, takeTurns } from "../measure.ts";
import type { ServedContext, ServedScenario } from "./served-context.ts";
import { restBody, servedPlan } from "./served-plan.ts";
import { serveCeiling } from "./served-presque.ts";

const queue = "bench-rest";

/**
 * Target 1: wrk `POST /q/:queue` (50 connections) against presque, a bare node:http server and a
 * node:http server making one Redis script call per request, taking turns within each round.
 */
export const restVersusCeilings: ServedScenario = async (context, figures) => {
  if (!context.tools.wrk) {
    figures.notes.push("REST rows skipped: wrk is not installed");
    return;
  }
  const bare = await serveCeiling("bare-http", context.redisUrl);
  const withRedis = await serveCeiling("http-plus-redis", context.redisUrl).catch(async (error) => {
    await bare.stop();
    throw error;
  });
  try {
    const runs = await takeTurns(servedPlan.rounds, {
      presque: () => wrkPresque(context, context.presque.url),
      bareHttp: () => wrk(context, bare.url),
      httpPlusRedis: () => wrk(context, withRedis.url),
    });
    figures.rest = {
      presque: median(runs.presque),
      bareHttp: median(runs.bareHttp),
      httpPlusRedis: median(runs.httpPlusRedis),
    };
  } finally {
    await bare.stop();
    await withRedis.stop();
  }
};

/** One wrk run against presque, its queue emptied after (every round starts from an empty queue). */
export async function wrkPresque(context: ServedContext, url: string): Promise<number> {
  try {
    return await wrk(context, url);
  } finally {
    const http = createKeepAliveClient(url, 1);
    expectStatus(await http.send("DELETE", `/q/${queue}`), 200);
    http.close();
  }
}

/** wrk against `url`: `warmupSeconds` not measured (wrk has no warm-up of its own), then measured. */
async function wrk(context: ServedContext, url: string): Promise<number> {
  const options = {
    path: `/q/${queue}`,
    body: restBody,
    connections: servedPlan.wrkConnections,
    threads: servedPlan.wrkThreads,
    dir: context.dir,
  };
  await runWrk(url, { ...options, seconds: servedPlan.warmupSeconds });
  return runWrk(url, { ...options, seconds: servedPlan.loadSeconds });
}
