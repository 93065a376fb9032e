import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Job } from "../../gen/presque/v1/job_pb.ts";

/** How many recent deliveries the clock learns from; old ones age out (a server clock may step). */
const window = 32;

/**
 * Tells whether a received job's lease has run out before the worker got to start it, without
 * comparing the worker's clock with presque's (lease deadlines are on the Redis clock).
 *
 * A job leased at server time `deadline - lease` (the lease is what the worker asked for, and
 * presque grants it as asked) is read by the worker at local time `receivedAt`, so
 * `receivedAt - (deadline - lease)` is the clock offset plus the time the job spent on its way.
 * The smallest such value over recent deliveries is the best bound on the offset; a job's lease
 * ends, on the local clock, by `deadline + that bound`, which is never later than
 * `receivedAt + lease`. The bound from earlier deliveries also catches jobs that sat unread in
 * the socket while the process was stopped or its event loop blocked: they look freshly received,
 * but their deadlines are long past. The local clock is monotonic, so a clock step on the worker's
 * machine changes nothing.
 */
export function createLeaseClock(leaseMs: number, now: () => number = () => performance.now()) {
  // A ring of the last `window` offsets: no array shifting or spreading per job.
  const offsets = new Float64Array(window);
  let seen = 0;
  return {
    /** Call as a job arrives; answers when its lease ends on the local clock (Infinity: no lease). */
    received(job: Job): number {
      if (!job.leaseDeadline || job.leaseToken === "") return Number.POSITIVE_INFINITY;
      const deadline = Number(timestampMs(job.leaseDeadline));
      offsets[seen % window] = now() - (deadline - leaseMs);
      seen++;
      let smallest = Number.POSITIVE_INFINITY;
      for (let i = Math.min(seen, window) - 1; i >= 0; i--)
        smallest = Math.min(smallest, offsets[i] as number);
      return deadline + smallest;
    },
    /** True once a lease that ends at `leaseEndsAt` (from received) is over. */
    isOver(leaseEndsAt: number): boolean {
      return now() >= leaseEndsAt;
    },
  };
}
