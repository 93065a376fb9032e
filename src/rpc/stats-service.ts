import type { ServiceImpl } from "@connectrpc/connect";
import type { StatsService } from "../../gen/presque/v1/stats_service_pb.ts";
import type { Engine } from "../engine/create-engine.ts";
import type { QueueInfo } from "../engine/types.ts";

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
});

/** presque.v1.StatsService on the engine. */
export function createStatsService({ engine }: { engine: Engine }): ServiceImpl<typeof StatsService> {
  return {
    async getQueueInfo(req) {
      return { info: toInfoMessage(await engine.queueInfo(req.queue)) };
    },
    async getStats() {
      const names = await engine.listQueues();
      return { queues: (await Promise.all(names.map((name) => engine.queueInfo(name)))).map(toInfoMessage) };
    },
  };
}
