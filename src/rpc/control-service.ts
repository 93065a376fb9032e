import type { ServiceImpl } from "@connectrpc/connect";
import type { ControlService } from "../../gen/presque/v1/control_service_pb.ts";
import type { Engine } from "../engine/engine.ts";
import { fromSettingsUpdate, toSettingsMessage } from "./settings-message.ts";

/** presque.v1.ControlService on the engine. */
export function createControlService({ engine }: { engine: Engine }): ServiceImpl<typeof ControlService> {
  return {
    async stopQueue(req) {
      await engine.queues.setStopped(req.queue, true);
      return {};
    },
    async startQueue(req) {
      await engine.queues.setStopped(req.queue, false);
      return {};
    },
    async getQueueControl(req) {
      const info = await engine.queues.queueInfo(req.queue);
      return { queue: info.queue, stopped: info.stopped };
    },
    async purgeQueue(req) {
      return { purged: BigInt(await engine.queues.purge(req.queue)) };
    },
    async deleteQueue(req) {
      await engine.queues.deleteQueue(req.queue);
      return {};
    },
    async getQueueSettings(req) {
      return { settings: toSettingsMessage(await engine.queues.getSettings(req.queue)) };
    },
    async updateQueueSettings(req) {
      const settings = await engine.queues.updateSettings(
        req.queue,
        fromSettingsUpdate(req.settings, req.reset),
      );
      return { settings: toSettingsMessage(settings) };
    },
  };
}
