import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  type Schedule,
  ScheduleSchema,
  type ScheduleService,
} from "../../gen/presque/v1/schedule_service_pb.ts";
import type { Engine } from "../engine/engine.ts";
import type { ScheduleView } from "../engine/ops/schedules.ts";
import { invalidArgument } from "../errors/presque-error.ts";
import { grantKey } from "./auth-interceptor.ts";
import { optionalText, payloadValue, requestPayloadText } from "./job-message.ts";

function toScheduleMessage(view: ScheduleView): Schedule {
  return create(ScheduleSchema, {
    name: view.name,
    queue: view.queue,
    timing:
      "cron" in view.timing
        ? { case: "cron", value: view.timing.cron }
        : { case: "everySeconds", value: view.timing.everySeconds },
    timezone: "cron" in view.timing ? (view.timing.timezone ?? "") : "",
    payload: payloadValue(view.payload),
    payloadJson: view.payload,
    priority: view.priority ?? 0,
    nextRunAt: view.nextRunAt >= 0 ? timestampFromMs(view.nextRunAt) : undefined,
  });
}

/** presque.v1.ScheduleService on the engine. */
export function createScheduleService({ engine }: { engine: Engine }): ServiceImpl<typeof ScheduleService> {
  return {
    async putSchedule(req) {
      const schedule = req.schedule;
      if (!schedule) throw invalidArgument("schedule is missing");
      const timing = schedule.timing;
      if (timing.case === undefined) throw invalidArgument("a schedule needs cron or every_seconds");
      const view = await engine.schedules.putSchedule({
        name: schedule.name,
        queue: schedule.queue,
        timing:
          timing.case === "cron"
            ? { cron: timing.value, timezone: optionalText(schedule.timezone) }
            : { everySeconds: timing.value },
        payload: requestPayloadText(engine.validate, schedule.payload, schedule.payloadJson),
        priority: schedule.priority,
      });
      return { schedule: toScheduleMessage(view) };
    },
    async listSchedules(req, ctx) {
      const grant = ctx.values.get(grantKey);
      const queue = optionalText(req.queue);
      if (queue !== undefined) grant.require("read", queue);
      const views = await engine.schedules.listSchedules(queue);
      return { schedules: views.filter((view) => grant.can("read", view.queue)).map(toScheduleMessage) };
    },
    async deleteSchedule(req) {
      return { deleted: await engine.schedules.deleteSchedule(req.queue, req.name) };
    },
  };
}
