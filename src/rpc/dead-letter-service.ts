import type { ServiceImpl } from "@connectrpc/connect";
import type { DeadLetterService } from "../../gen/presque/v1/dead_letter_service_pb.ts";
import type { Engine } from "../engine/engine.ts";
import { optionalText, toJobMessage } from "./job-message.ts";

/** presque.v1.DeadLetterService on the engine. */
export function createDeadLetterService({
  engine,
}: {
  engine: Engine;
}): ServiceImpl<typeof DeadLetterService> {
  return {
    async listDeadJobs(req) {
      const page = await engine.dead.listDead(req.queue, {
        cursor: optionalText(req.cursor),
        limit: req.limit || undefined,
      });
      return { jobs: page.jobs.map(toJobMessage), nextCursor: page.nextCursor ?? "" };
    },
    async redriveDeadJobs(req) {
      const redriven = await engine.dead.redrive(req.queue, {
        ids: req.ids.length > 0 ? req.ids : undefined,
        errorContains: optionalText(req.errorContains),
        to: optionalText(req.toQueue),
      });
      return { redriven };
    },
    async deleteDeadJobs(req) {
      return { deleted: await engine.dead.deleteDead(req.queue, req.ids.length > 0 ? req.ids : undefined) };
    },
  };
}
