import type { Validator } from "./model/validate.ts";
import type { DeadLetters } from "./ops/dead-letters.ts";
import type { JobOps } from "./ops/job-ops.ts";
import type { QueueAdmin } from "./ops/queue-admin.ts";
import type { Schedules } from "./ops/schedules.ts";

/**
 * The queue semantics, one object for every edge: REST, RPC and streams call these, and nothing
 * else changes queues in Redis. Built by open-engine.ts; each part's methods live in its file
 * under ops/.
 */
export interface Engine {
  /** enqueue, fetch, ack, nack, extend, promote, get. */
  jobs: JobOps;
  /** purge, stop/start, delete, info, settings. */
  queues: QueueAdmin;
  /** list, redrive, delete. */
  dead: DeadLetters;
  /** recurring schedules. */
  schedules: Schedules;
  /** The checks behind every operation, for edges that parse their own parameters. */
  validate: Validator;
}
