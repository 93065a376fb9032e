import { createKeepAliveClient, expectStatus } from "../http-client.ts";
import { runH2load } from "../load/h2load.ts";
import { median, takeTurns } from "../measure.ts";
import type { ServedContext, ServedScenario } from "./served-context.ts";
import { servedPlan } from "./served-plan.ts";
import { serveCeiling } from "./served-presque.ts";

const queue = "bench-rpc";
const path = "/presque.v1.QueueService/Enqueue";
/** Connect unary JSON: the EnqueueRequest as JSON, `content-type: application/json`. */
const body = JSON.stringify({ queue, payload: { to: "a@b.c", n: 1 } });

/**
 * Target 2: h2load Connect unary `Enqueue` over h2c (one connection, 50 streams) against presque,
 * a no-op connect-es server and a bare node:http2 server, taking turns within each round.
 */
export const rpcVersusCeilings: ServedScenario = async (context, figures) => {
  if (!context.tools.h2load) {
    figures.notes.push("RPC rows skipped: h2load (nghttp2-client) is not installed");
    return;
  }
  const noop = await serveCeiling("noop-connect", context.redisUrl);
  const bare = await serveCeiling("bare-http2", context.redisUrl).catch(async (error) => {
    await noop.stop();
    throw error;
  });
  try {
    const runs = await takeTurns(servedPlan.rounds, {
      presque: () => h2loadPresque(context),
      noopConnect: () => h2load(context, noop.url),
      bareHttp2: () => h2load(context, bare.url),
    });
    figures.rpc = {
      presque: median(runs.presque),
      noopConnect: median(runs.noopConnect),
      bareHttp2: median(runs.bareHttp2),
    };
  } finally {
    await noop.stop();
    await bare.stop();
  }
};

async function h2loadPresque(context: ServedContext): Promise<number> {
  try {
    return await h2load(context, context.presque.url);
  } finally {
    const http = createKeepAliveClient(context.presque.url, 1);
    expectStatus(await http.send("DELETE", `/q/${queue}`), 200);
    http.close();
  }
}

async function h2load(context: ServedContext, url: string): Promise<number> {
  return runH2load(url, {
    path,
    body,
    seconds: servedPlan.loadSeconds,
    warmupSeconds: servedPlan.warmupSeconds,
    streams: servedPlan.h2Streams,
    dir: context.dir,
  });
}
