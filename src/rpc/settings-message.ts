import type { QueueSettings as SettingsMessage } from "../../gen/presque/v1/control_service_pb.ts";
import type { QueueSettings } from "../engine/model/queue-settings.ts";

/** Settings travel in seconds on the wire and live in milliseconds in the engine. */
const fields = [
  ["maxLength", "maxLength", 1],
  ["defaultLeaseSeconds", "leaseMs", 1000],
  ["maxAttempts", "maxAttempts", 1],
  ["backoffBaseSeconds", "backoffBaseMs", 1000],
  ["backoffMaxSeconds", "backoffMaxMs", 1000],
  ["keepCompletedCount", "completedKeepCount", 1],
  ["keepCompletedSeconds", "completedKeepMs", 1000],
  ["keepDeadCount", "deadKeepCount", 1],
  ["keepDeadSeconds", "deadKeepMs", 1000],
] as const;

/** snake_case name on the wire (for `reset`) → engine name. */
const wireNames = new Map<string, string>([
  ...fields.map(
    ([wire, engine]) => [wire.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), engine] as [string, string],
  ),
  ["backoff", "backoff"],
]);

export function toSettingsMessage(settings: QueueSettings): Partial<SettingsMessage> {
  const message: Record<string, unknown> = { backoff: settings.backoff };
  for (const [wire, engine, scale] of fields) message[wire] = settings[engine] / scale;
  return message as Partial<SettingsMessage>;
}

/** An update for the engine: set fields present in the message, reset the named ones. */
export function fromSettingsUpdate(
  message: SettingsMessage | undefined,
  reset: string[],
): Record<string, unknown> {
  const update: Record<string, unknown> = {};
  for (const name of reset) update[wireNames.get(name) ?? name] = null;
  if (message?.backoff !== undefined) update.backoff = message.backoff;
  for (const [wire, engine, scale] of fields) {
    const value = message?.[wire];
    if (value !== undefined) update[engine] = Math.round(value * scale);
  }
  return update;
}
