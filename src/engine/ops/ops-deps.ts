import { PresqueError } from "../../errors/presque-error.ts";
import type { QueueSettings } from "../model/queue-settings.ts";
import type { Validator } from "../model/validate.ts";
import type { LeaseRefusal } from "../store/job-store.ts";
import type { Store } from "../store/store.ts";

/** What the engine's operation modules are built from. */
export interface OpsDeps {
  store: Store;
  validate: Validator;
  defaults: QueueSettings;
  /** How long an idempotency key is remembered. */
  idempotencyWindowMs: number;
}

export const jobNotFound = (queue: string, id: string) =>
  new PresqueError("not_found", `job ${id} of queue ${queue} does not exist`);

/** The error a lease holder can act on when fencing refused its change. */
export function leaseRefused(refusal: LeaseRefusal, queue: string, id: string): PresqueError {
  return refusal.code === "not_found"
    ? jobNotFound(queue, id)
    : new PresqueError("stale_lease", `job ${id} of queue ${queue} is not leased under this token`);
}
