import { setTimeout as sleep } from "node:timers/promises";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { StatsService } from "../../gen/presque/v1/stats_service_pb.ts";
import type { Engine } from "../engine/engine.ts";
import type { QueueInfo } from "../engine/model/job.ts";
import type { MinutePoint } from "../engine/views/queue-history.ts";
import type { QueueStats, StatsReader } from "../engine/views/queue-stats.ts";
import { invalidArgument } from "../errors/presque-error.ts";
import { grantKey } from "./auth-interceptor.ts";

const toInfoMessage = (info: QueueInfo) => ({
  queue: info.queue,
  ready: BigInt(info.ready),
  delayed: BigInt(info.delayed),
  inFlight: BigInt(info.inFlight),
  stopped: info.stopped,
  enqueued: BigInt(info.enqueued),
  processed: BigInt(info.processed),
  failed: BigInt(info.failed),
  expiredLeases: BigInt(info.expiredLeases),
  dead: BigInt(info.dead),
  done: BigInt(info.done),
  deadTotal: BigInt(info.deadTotal),
});

const toStatsMessage = (stats: QueueStats) => ({
  info: toInfoMessage(stats.info),
  enqueueRate: stats.enqueueRate,
  processRate: stats.processRate,
  oldestReadyAgeSeconds: stats.oldestReadyAgeSeconds,
});

const optionalCount = (n: number | undefined) => (n === undefined ? undefined : BigInt(n));

const toMinuteMessage = (point: MinutePoint) => ({
  start: timestampFromMs(point.startMs),
  enqueued: BigInt(point.enqueued),
  processed: BigInt(point.processed),
  failed: BigInt(point.failed),
  expiredLeases: BigInt(point.expiredLeases),
  ready: optionalCount(point.ready),
  delayed: optionalCount(point.delayed),
  inFlight: optionalCount(point.inFlight),
});

const defaultWatchIntervalMs = 2000;

function watchInterval(ms: number): number {
  if (ms === 0) return defaultWatchIntervalMs;
  if (ms < 500 || ms > 60_000) throw invalidArgument("interval_ms must be from 500 to 60000 (0: 2000)");
  return ms;
}

/** presque.v1.StatsService on the engine and the stats reader. */
export function createStatsService({
  engine,
  stats,
}: {
  engine: Engine;
  stats: StatsReader;
}): ServiceImpl<typeof StatsService> {
  return {
    async getQueueInfo(req) {
      return { info: toInfoMessage(await engine.queues.queueInfo(req.queue)) };
    },

    async getStats(_req, ctx) {
      const grant = ctx.values.get(grantKey);
      const names = (await engine.queues.listQueues()).filter((name) => grant.can("read", name));
      return {
        queues: (await Promise.all(names.map((name) => engine.queues.queueInfo(name)))).map(toInfoMessage),
      };
    },

    async *watchStats(req, ctx) {
      // Errors go out as thrown: the error interceptor maps (and logs) them, mid-stream too.
      const intervalMs = watchInterval(req.intervalMs);
      // The first message goes out at once: a stream sends its headers only with its first message.
      while (!ctx.signal.aborted) {
        const snapshot = await stats.snapshot();
        const grant = ctx.values.get(grantKey);
        const visible = snapshot.queues.filter((queue) => grant.can("read", queue.info.queue));
        yield { time: timestampFromMs(snapshot.atMs), queues: visible.map(toStatsMessage) };
        await sleep(intervalMs, undefined, { signal: ctx.signal }).catch(() => {});
      }
      // Ending with an error, not a clean end, tells the client to reconnect (server shutting down).
      ctx.signal.throwIfAborted();
    },

    async getQueueHistory(req) {
      const points = await stats.history(req.queue, req.minutes || undefined);
      return { queue: req.queue, minutes: points.map(toMinuteMessage) };
    },
  };
}
