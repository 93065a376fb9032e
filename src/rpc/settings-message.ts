import type { QueueSettings as SettingsMessage } from "../../gen/presque/v1/control_service_pb.ts";
import { fromWireNumber, queueSettingFields, toWireValue } from "../common/queue-setting-fields.ts";
import type { QueueSettings } from "../engine/model/queue-settings.ts";

/** The table's fields with their protobuf-es names (the proto field in camelCase). */
const fields = queueSettingFields.map((field) => ({
  ...field,
  message: field.wire.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof SettingsMessage,
}));

/** `reset` names fields as the proto does (snake_case). */
const byWire = new Map(fields.map((field) => [field.wire, field]));

export function toSettingsMessage(settings: QueueSettings): Partial<SettingsMessage> {
  const message: Record<string, unknown> = {};
  for (const field of fields) message[field.message] = toWireValue(field, settings[field.engine]);
  return message as Partial<SettingsMessage>;
}

/** An update for the engine: set fields present in the message, reset the named ones. */
export function fromSettingsUpdate(
  message: SettingsMessage | undefined,
  reset: string[],
): Record<string, unknown> {
  const update: Record<string, unknown> = {};
  // An unknown name goes through as sent, for the engine to refuse by that name.
  for (const name of reset) update[byWire.get(name)?.engine ?? name] = null;
  for (const field of fields) {
    const value = message?.[field.message] as number | string | undefined;
    if (value === undefined) continue;
    update[field.engine] = typeof value === "number" ? fromWireNumber(field, value) : value;
  }
  return update;
}
