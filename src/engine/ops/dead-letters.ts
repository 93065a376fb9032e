import { invalidArgument } from "../../errors/presque-error.ts";
import type { JobView } from "../model/job.ts";
import type { JobOps } from "./job-ops.ts";
import type { OpsDeps } from "./ops-deps.ts";

export interface DeadPage {
  jobs: JobView[];
  /** Pass it back for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface RedriveOptions {
  /** These dead jobs; absent: every dead job (or every one matching errorContains). */
  ids?: string[];
  /** Only jobs whose last error contains this text. */
  errorContains?: string;
  /** Another queue to send them to; default: their own queue. */
  to?: string;
}

export interface DeadLetters {
  /** Oldest death first. The cursor is (death time, id), so pages stay right while jobs die or leave. */
  listDead(queue: string, options?: { cursor?: string; limit?: number; diedBy?: number }): Promise<DeadPage>;
  /** Back to ready (attempt 0); resolves with how many moved. */
  redrive(queue: string, options?: RedriveOptions): Promise<number>;
  /** Deletes the given dead jobs, or all of them; resolves with how many. */
  deleteDead(queue: string, ids?: string[]): Promise<number>;
}

const chunk = 500;

export function createDeadLetters(deps: OpsDeps, jobs: JobOps): DeadLetters {
  const { store, validate } = deps;

  /** Every dead id matching the filter, in pages; the callback may remove what it is given. */
  const eachDeadPage = async (
    queue: string,
    options: RedriveOptions,
    visit: (ids: string[]) => Promise<void>,
  ) => {
    if (options.ids) {
      for (let i = 0; i < options.ids.length; i += chunk) await visit(options.ids.slice(i, i + chunk));
      return;
    }
    // Only jobs dead when the redrive began: one that dies again meanwhile is not taken twice.
    const diedBy = await store.nowMs();
    let cursor: string | undefined;
    do {
      const page = await letters.listDead(queue, { cursor, limit: chunk, diedBy });
      const picked = page.jobs.filter(
        (job) => !options.errorContains || job.errors.at(-1)?.message.includes(options.errorContains),
      );
      if (picked.length > 0) await visit(picked.map((job) => job.id));
      cursor = page.nextCursor;
    } while (cursor);
  };

  const letters: DeadLetters = {
    async listDead(queue, options = {}) {
      validate.queueName(queue);
      const limit = validate.batchSize(options.limit ?? 100, "limit");
      const [afterScore, afterId] = parseCursor(options.cursor);
      const ids: string[] = [];
      const scores: number[] = [];
      for (let offset = 0; ids.length <= limit; offset += limit + 1) {
        const page = await store.dead.range(
          queue,
          afterScore ?? "-inf",
          options.diedBy ?? "+inf",
          offset,
          limit + 1,
        );
        for (const { id, diedAt } of page) {
          // ties in score are ordered by member, byte-wise, as in Redis
          if (afterScore !== undefined && diedAt === afterScore && id <= (afterId as string)) continue;
          ids.push(id);
          scores.push(diedAt);
        }
        if (page.length < limit + 1) break;
      }
      const more = ids.length > limit;
      const pageIds = ids.slice(0, limit);
      const last = pageIds.length - 1;
      return {
        jobs: await store.jobs.readMany(queue, pageIds),
        nextCursor: more ? `${scores[last]}-${pageIds[last]}` : undefined,
      };
    },

    async redrive(queue, options = {}) {
      validate.queueName(queue);
      for (const id of options.ids ?? []) validate.jobId(id);
      const target =
        options.to === undefined || options.to === queue ? undefined : validate.queueName(options.to);
      let moved = 0;
      await eachDeadPage(queue, options, async (ids) => {
        if (target === undefined) {
          moved += await store.dead.redrive(queue, ids);
          return;
        }
        // Another queue is another Redis Cluster slot: copy, then delete. The idempotency key makes
        // a retried redrive (after a crash between the two steps) add each job once.
        const dead = (await store.jobs.readMany(queue, ids)).filter((job) => job.state === "dead");
        await Promise.all(
          dead.map((job) =>
            jobs.enqueue(target, [job.payload], {
              priority: job.priority,
              idempotencyKey: `redrive:${queue}:${job.id}:${job.diedAt}`,
            }),
          ),
        );
        moved += await store.dead.deleteIds(
          queue,
          dead.map((job) => job.id),
        );
      });
      return moved;
    },

    async deleteDead(queue, ids) {
      validate.queueName(queue);
      for (const id of ids ?? []) validate.jobId(id);
      if (ids) {
        if (ids.length === 0) return 0;
        return store.dead.deleteIds(queue, ids);
      }
      let deleted = 0;
      for (;;) {
        const { deleted: removed, remaining } = await store.dead.deleteOldest(queue);
        deleted += removed;
        if (remaining === 0 || removed === 0) return deleted;
      }
    },
  };
  return letters;
}

function parseCursor(cursor: string | undefined): [number | undefined, string | undefined] {
  if (cursor === undefined || cursor === "") return [undefined, undefined];
  const match = /^(\d+)-(\d+)$/.exec(cursor);
  if (!match) throw invalidArgument(`cursor ${JSON.stringify(cursor)} is not a cursor from a previous page`);
  return [Number(match[1]), match[2]];
}
