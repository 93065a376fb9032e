import { invalidArgument } from "../../errors/presque-error.ts";
import type { Engine } from "../engine.ts";
import type { JobView } from "../model/job.ts";
import type { Store } from "../store/store.ts";

/** The states whose jobs sit in a queue's own sets (dead letters have their own routes). */
export type BrowsableState = Extract<JobView["state"], "ready" | "delayed" | "leased">;
export const browsableStates: readonly BrowsableState[] = ["ready", "delayed", "leased"];
export const maxBrowseLimit = 500;

export interface JobPage {
  jobs: JobView[];
  /** Pass back to get the next page; absent on the last page. */
  cursor?: string;
}

export interface JobBrowser {
  /**
   * Jobs of one state in the order the queue keeps them: ready in delivery order, delayed by due
   * time, leased by lease deadline. Read-only and not a snapshot: the cursor is a position in
   * the set, so jobs that move meanwhile may be skipped or shown twice. Good enough for looking.
   */
  list(queue: string, state: BrowsableState, options?: { cursor?: string; limit?: number }): Promise<JobPage>;
}

export function createJobBrowser({ engine, store }: { engine: Engine; store: Store }): JobBrowser {
  return {
    async list(queue, state, { cursor, limit = 50 } = {}) {
      engine.validate.queueName(queue);
      if (!browsableStates.includes(state)) {
        throw invalidArgument(`state must be one of ${browsableStates.join(", ")}`);
      }
      if (!Number.isInteger(limit) || limit < 1 || limit > maxBrowseLimit) {
        throw invalidArgument(`limit must be from 1 to ${maxBrowseLimit}`);
      }
      const offset = cursor === undefined || cursor === "" ? 0 : Number(cursor);
      if (!Number.isSafeInteger(offset) || offset < 0) throw invalidArgument("cursor is not valid");
      // One more than asked tells whether another page exists.
      const ids = await store.jobs.idsAt(queue, state, offset, offset + limit);
      // a job gone between the two reads (acked, purged) is skipped
      const jobs = await store.jobs.readMany(queue, ids.slice(0, limit));
      return ids.length > limit ? { jobs, cursor: String(offset + limit) } : { jobs };
    },
  };
}
