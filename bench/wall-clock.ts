import { performance } from "node:perf_hooks";

/**
 * Wall-clock time in ms with performance.now()'s resolution, for comparing with times set from
 * the system clock elsewhere (Redis TIME, a job's run_at). Date.now() alone is whole ms; the
 * offset is taken at a tick of Date.now(), so it is right to a few µs. calibrate() again before
 * each measurement: the monotonic and the wall clock may drift apart (NTP).
 */
export function createWallClock() {
  let offset = 0;
  const calibrate = () => {
    const start = Date.now();
    let tick = start;
    let at = 0;
    while (tick === start) {
      at = performance.now();
      tick = Date.now();
    }
    offset = tick - at;
  };
  calibrate();
  return { calibrate, now: () => performance.now() + offset };
}
