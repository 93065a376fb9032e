import type { QueueSettings } from "../engine/model/queue-settings.ts";

/** How the API writes a setting: a count, a duration in seconds (milliseconds inside), or a name. */
export type SettingUnit = "count" | "seconds" | "name";

export interface QueueSettingField {
  /** The engine's name (QueueSettings). */
  engine: keyof QueueSettings;
  /** The API's name: REST's JSON key and the proto field of presque.v1.QueueSettings. */
  wire: string;
  unit: SettingUnit;
}

// Keyed by engine name so the compiler insists on every setting; the order is REST's.
const byEngine: { [K in keyof QueueSettings]: Omit<QueueSettingField, "engine"> } = {
  maxLength: { wire: "max_length", unit: "count" },
  leaseMs: { wire: "default_lease_seconds", unit: "seconds" },
  maxAttempts: { wire: "max_attempts", unit: "count" },
  backoff: { wire: "backoff", unit: "name" },
  backoffBaseMs: { wire: "backoff_base_seconds", unit: "seconds" },
  backoffMaxMs: { wire: "backoff_max_seconds", unit: "seconds" },
  completedKeepCount: { wire: "keep_completed_count", unit: "count" },
  completedKeepMs: { wire: "keep_completed_seconds", unit: "seconds" },
  deadKeepCount: { wire: "keep_dead_count", unit: "count" },
  deadKeepMs: { wire: "keep_dead_seconds", unit: "seconds" },
};

/** The one table of queue settings both edges (REST JSON, RPC messages) derive from. */
export const queueSettingFields: readonly QueueSettingField[] = Object.entries(byEngine).map(
  ([engine, field]) => ({ engine: engine as keyof QueueSettings, ...field }),
);

const scale = (field: QueueSettingField) => (field.unit === "seconds" ? 1000 : 1);

/** An engine value as the API writes it (milliseconds become seconds). */
export function toWireValue(field: QueueSettingField, value: number | string): number | string {
  return field.unit === "name" ? value : (value as number) / scale(field);
}

/** A number from the API as the engine keeps it: seconds become whole milliseconds. */
export function fromWireNumber(field: QueueSettingField, value: number): number {
  return Math.round(value * scale(field));
}
