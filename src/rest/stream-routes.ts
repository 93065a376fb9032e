import { once } from "node:events";
import { onQueue } from "../auth/access.ts";
import type { SubscriptionEvent } from "../engine/consumers/subscription-loop.ts";
import type { Consumers } from "../engine/open-engine.ts";
import type { Response } from "./http-io.ts";
import { jobEnvelopeJson } from "./job-json.ts";
import { numberParam, secondsParamMs } from "./query-params.ts";
import { type RestDeps, requestSignal } from "./rest-deps.ts";
import { type RestRoute, route } from "./router.ts";

/** The REST routes for consumers need the subscriptions and the worker registry too. */
export interface ConsumerRestDeps extends RestDeps {
  consumers: Consumers;
}

/**
 * GET /q/{queue}/stream: the subscription as server-sent events, for curl and browsers. Each job
 * is leased (?lease= seconds, default the queue's lease) and acked with DELETE /q/{queue}/{id}?token=; at most
 * ?prefetch= jobs (default 1) are out unacked. Closing the connection gives the unacked ones back.
 */
export function streamRoutes(deps: ConsumerRestDeps): RestRoute[] {
  return [
    route(
      "GET",
      "/q/:queue/stream",
      onQueue("consume"),
      { takesJobs: true, query: ["prefetch", "lease", "heartbeat"] },
      async ({ res, params, query }) => {
        const signal = requestSignal(res, deps.shutdownSignal);
        const events = deps.consumers.subscriptions.subscribe({
          queues: [params[0] as string],
          prefetch: numberParam(query, "prefetch") ?? 1,
          leaseMs: secondsParamMs(query, "lease") ?? "default",
          heartbeatMs: secondsParamMs(query, "heartbeat"),
          signal,
          shutdownSignal: deps.shutdownSignal,
        });
        // Bad parameters throw on the first step, while a JSON error status can still be sent.
        const first = await events.next();
        res.writeHead(200, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-store",
          "x-accel-buffering": "no", // nginx would otherwise hold events back
        });
        try {
          if (!first.done) await send(res, sseEvent(first.value));
          for await (const event of events) await send(res, sseEvent(event));
        } catch (error) {
          if (res.headersSent && !signal.aborted) throw error;
          // Shutdown: say so, so clients reconnect elsewhere rather than think the stream is done.
          if (deps.shutdownSignal.aborted) {
            const message = JSON.stringify({ code: "unavailable", message: "server is shutting down" });
            res.write(`event: error\ndata: ${message}\n\n`);
          }
        }
        res.end();
      },
    ),
  ];
}

/** One event; a payload stored with line breaks is split over several data: lines, as SSE requires. */
function sseEvent(event: SubscriptionEvent): string {
  switch (event.type) {
    case "subscribed": {
      const data = JSON.stringify({
        subscription_id: event.subscriptionId,
        prefetch: event.prefetch,
        lease_seconds: event.leaseMs === "default" ? "default" : event.leaseMs / 1000,
        heartbeat_seconds: event.heartbeatMs / 1000,
      });
      return `event: subscribed\ndata: ${data}\n\n`;
    }
    case "job": {
      const lines = jobEnvelopeJson(event.job).split(/\r\n|\r|\n/);
      return `event: job\n${lines.map((line) => `data: ${line}\n`).join("")}\n`;
    }
    case "heartbeat":
      return "event: heartbeat\ndata: {}\n\n";
  }
}

/**
 * Writes and waits for the socket to take it, so a slow reader slows the subscription down.
 * Throws once the client is gone: a write to a destroyed response returns false and then neither
 * "drain" nor "close" fires again, which would leave the subscription (and its leases) hanging.
 */
async function send(res: Response, text: string): Promise<void> {
  const stream = res as unknown as NodeJS.EventEmitter & { destroyed: boolean; writableEnded: boolean };
  const gone = () => stream.destroyed || stream.writableEnded;
  if (gone()) throw new Error("the client went away");
  if (res.write(text) !== false) return;
  if (gone()) throw new Error("the client went away");
  await Promise.race([once(stream, "drain"), once(stream, "close")]);
  if (gone()) throw new Error("the client went away");
}
