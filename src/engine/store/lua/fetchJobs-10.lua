--[[
  Hands out up to `count` ready jobs, highest priority first, FIFO within a priority (ready:hi,
  then the priority-0 list, then ready:lo; see includes/make-ready.lua).
  Due delayed jobs and expired leases are handled first (see includes/promote-due.lua), so a
  consumer never waits on the reaper. A job past its "must start by" time is not handed out:
  it goes to dead letters, and the next one is taken instead.
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7] count (>= 1)
  ARGV[8] lease in ms; 0 removes the jobs as they are handed out (at-most-once);
          -1 the queue's default lease

  Returns:
    { stopped }                            the queue is stopped; nothing changed
    { ok, now, <10 fields per job>... }  id, payload, attempt, enqueuedAt, priority, leaseToken,
                                           leaseDeadline, maxAttempts, traceparent, deliveries
                                           (token and deadline "" when removed)

  `deliveries` counts every hand-out and, unlike `attempt`, is never given back (a release undoes
  the attempt, not the delivery), so it shows that a job already went out, perhaps partly ran.
]]
-- @include "queue"
-- @include "now"
-- @include "hand-out"

local count, leaseMs = tonumber(ARGV[7]), tonumber(ARGV[8])
if redis.call('HGET', Q.meta, 'stopped') == '1' then return { R.stopped } end
if leaseMs < 0 then leaseMs = setting('leaseMs') end

return handOut(count, leaseMs, nowMs())
