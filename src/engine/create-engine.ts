import type { Redis } from "ioredis";
import type { Limits } from "../config/config.ts";
import { createDeadLetters, type DeadLetters } from "./dead-letters.ts";
import { createJobOperations, type JobOperations } from "./job-operations.ts";
import type { KeySpace } from "./keys.ts";
import { createQueueAdmin, type QueueAdmin } from "./queue-admin.ts";
import type { QueueRegistry } from "./queue-registry.ts";
import type { QueueScripts } from "./queue-scripts.ts";
import type { QueueSettings } from "./queue-settings.ts";
import { createSchedules, type Schedules } from "./schedules.ts";
import { createValidator, type Validator } from "./validate.ts";
import type { WakeHub } from "./wake-hub.ts";

/**
 * The queue semantics. REST and RPC edges both call these, and nothing else changes queues in
 * Redis: jobs (enqueue, fetch, ack, nack, extend, get), queue administration, dead letters,
 * recurring schedules.
 */
export interface Engine extends JobOperations, QueueAdmin, DeadLetters, Schedules {
  /** The checks behind every operation, for edges that parse their own parameters. */
  validate: Validator;
}

export interface CreateEngineOptions {
  redis: Redis;
  keys: KeySpace;
  scripts: QueueScripts;
  registry: QueueRegistry;
  wakeHub: WakeHub;
  limits: Limits;
  defaults: QueueSettings;
  idempotencyWindowMs: number;
}

export function createEngine(options: CreateEngineOptions): Engine {
  const deps = { ...options, validate: createValidator(options.limits) };
  const jobs = createJobOperations(deps);
  return {
    validate: deps.validate,
    ...jobs,
    ...createQueueAdmin(deps),
    ...createDeadLetters(deps, jobs),
    ...createSchedules(deps),
  };
}
