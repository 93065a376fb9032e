import type { Redis } from "ioredis";
import { PresqueError } from "../errors/presque-error.ts";
import type { KeySpace } from "./keys.ts";
import type { QueueRegistry } from "./queue-registry.ts";
import type { QueueScripts } from "./queue-scripts.ts";
import type { QueueSettings } from "./queue-settings.ts";
import type { Validator } from "./validate.ts";
import type { WakeHub } from "./wake-hub.ts";

/** What the engine's operation modules are built from. */
export interface EngineDeps {
  redis: Redis;
  keys: KeySpace;
  scripts: QueueScripts;
  registry: QueueRegistry;
  wakeHub: WakeHub;
  validate: Validator;
  defaults: QueueSettings;
  /** How long an idempotency key is remembered. */
  idempotencyWindowMs: number;
}

export const jobNotFound = (queue: string, id: string) =>
  new PresqueError("not_found", `job ${id} of queue ${queue} does not exist`);

/** Maps a lease script's 0 / -1 reply to the error a client can act on. */
export function checkLeaseReply(reply: unknown, queue: string, id: string): void {
  if (reply === 0) throw jobNotFound(queue, id);
  if (reply === -1)
    throw new PresqueError("stale_lease", `job ${id} of queue ${queue} is not leased under this token`);
}
