import type { EachReply, EnqueueReply, EnqueueScriptOptions, SingleEnqueue } from "../store/job-store.ts";
import type { Store } from "../store/store.ts";

/** A job is ready at once: no delay and no run_at (a run_at already past is the script's to say). */
export const readyNow = (options: EnqueueScriptOptions) =>
  options.delayMs === 0 && options.runAtMs === undefined;

const ignore = () => undefined;

/**
 * The group commit's call for one queue's single enqueues. When this process has a consumer
 * waiting on the queue that can take a hand-off (WakeHub.claim), the same script call leases the
 * ready jobs to it: the consumer gets them with the enqueue's reply, without a fetch of its own
 * (a round trip less between enqueue and work). Otherwise this process's next waiter is woken as
 * soon as Redis answers, before the callers are (the pub/sub message would come after their
 * answers); the script's PUBLISH still wakes the other processes.
 */
export function singleEnqueueCommit(store: Store) {
  const { wake } = store;
  // Jobs leased to a consumer that stopped waiting meanwhile go back as they were; should that
  // fail, their leases run out and the reaper gives them back.
  const giveBack = (queue: string, jobs: { id: string; leaseToken?: string }[]) => {
    const leases = jobs.map((job) => ({ queue, id: job.id, leaseToken: job.leaseToken ?? "" }));
    store.jobs
      .release(queue, leases)
      .catch(ignore)
      .finally(() => wake.passOn(queue));
  };

  return async (queue: string, jobs: SingleEnqueue[]): Promise<EnqueueReply[]> => {
    const anyReady = jobs.some((job) => readyNow(job.options));
    const claim = anyReady ? wake.claim(queue) : undefined;
    let reply: EachReply;
    try {
      reply = await store.jobs.enqueueEach(queue, jobs, claim?.handOff);
    } catch (error) {
      // the claimed consumer fetches for itself, and sees the trouble there
      if (claim !== undefined && !claim.deliver({ jobs: [], stopped: false })) wake.passOn(queue);
      throw error;
    }
    const { replies, handed } = reply;
    if (claim !== undefined && handed !== undefined) {
      if (!claim.deliver(handed)) giveBack(queue, handed.jobs);
    } else if (jobs.some((job, i) => replies[i]?.code === "ok" && readyNow(job.options))) {
      wake.passOn(queue);
    }
    return replies;
  };
}
