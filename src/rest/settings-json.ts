import type { QueueSettings } from "../engine/model/queue-settings.ts";
import { invalidArgument } from "../errors/presque-error.ts";

/** REST names (snake_case, seconds) of the queue settings, and their engine names and scale. */
const fields = [
  ["max_length", "maxLength", 1],
  ["default_lease_seconds", "leaseMs", 1000],
  ["max_attempts", "maxAttempts", 1],
  ["backoff", "backoff", 0],
  ["backoff_base_seconds", "backoffBaseMs", 1000],
  ["backoff_max_seconds", "backoffMaxMs", 1000],
  ["keep_completed_count", "completedKeepCount", 1],
  ["keep_completed_seconds", "completedKeepMs", 1000],
  ["keep_dead_count", "deadKeepCount", 1],
  ["keep_dead_seconds", "deadKeepMs", 1000],
] as const;

export function settingsJson(settings: QueueSettings): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const [rest, engine, scale] of fields) {
    const value = settings[engine];
    json[rest] = scale === 0 ? value : (value as number) / scale;
  }
  return json;
}

/** A partial update in REST names → engine names; null resets a setting to the default. */
export function settingsUpdate(body: Record<string, unknown>): Record<string, unknown> {
  const update: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const field = fields.find(([rest]) => rest === name);
    if (!field) {
      throw invalidArgument(
        `unknown queue setting ${JSON.stringify(name)}; known: ${fields.map(([n]) => n).join(", ")}`,
      );
    }
    const [, engine, scale] = field;
    update[engine] =
      value === null || scale === 0 || typeof value !== "number" ? value : Math.round(value * scale);
  }
  return update;
}
