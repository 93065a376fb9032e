import { fromWireNumber, queueSettingFields, toWireValue } from "../common/queue-setting-fields.ts";
import type { QueueSettings } from "../engine/model/queue-settings.ts";
import { invalidArgument } from "../errors/presque-error.ts";

/** The queue settings as REST's JSON (snake_case, seconds), from the one table of fields. */
export function settingsJson(settings: QueueSettings): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const field of queueSettingFields) json[field.wire] = toWireValue(field, settings[field.engine]);
  return json;
}

/** A partial update in REST names → engine names; null resets a setting to the default. */
export function settingsUpdate(body: Record<string, unknown>): Record<string, unknown> {
  const update: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const field = queueSettingFields.find((candidate) => candidate.wire === name);
    if (!field) {
      const known = queueSettingFields.map((candidate) => candidate.wire).join(", ");
      throw invalidArgument(`unknown queue setting ${JSON.stringify(name)}; known: ${known}`);
    }
    // Anything but a number goes through as sent, for the engine's check to refuse with its words.
    update[field.engine] =
      value === null || field.unit === "name" || typeof value !== "number"
        ? value
        : fromWireNumber(field, value);
  }
  return update;
}
