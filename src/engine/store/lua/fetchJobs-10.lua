--[[
  Hands out up to `count` ready jobs, highest priority first, FIFO within a priority (ready:hi,
  then the priority-0 list, then ready:lo; see includes/make-ready.lua).
  Due delayed jobs and expired leases are handled first (see includes/promote-due.lua), so a
  consumer never waits on the reaper. A job past its "must start by" time is not handed out:
  it goes to dead letters, and the next one is taken instead.
  KEYS and ARGV[1..5]: the queue layout of includes/queue.lua.

  ARGV[6] count (>= 1)
  ARGV[7] lease in ms; 0 removes the jobs as they are handed out (at-most-once);
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
-- @include "promote-due"

local count, leaseMs = tonumber(ARGV[6]), tonumber(ARGV[7])
if redis.call('HGET', Q.meta, 'stopped') == '1' then return { R.stopped } end
if leaseMs < 0 then leaseMs = setting('leaseMs') end

local now = nowMs()
promoteDue(now, 1000)

local out, leased, handed, buried = { R.ok, now }, {}, 0, 0
local deadline = now + leaseMs
-- Burials are bounded so that a backlog of expired jobs never blocks Redis for long: past the
-- bound this call hands out what it has, and the next fetch goes on.
while handed < count and buried < 1000 do
  local popped = popReady(count - handed)
  if #popped == 0 then break end
  for _, id in ipairs(popped) do
    local j = readJob(id)
    -- an id whose record is gone or no longer ready is skipped (no script leaves one behind)
    if not j or j.state ~= 'ready' then
    elseif j.expiresAt and j.expiresAt < now then
      buryJob(id, j, 'not started before its deadline', now)
      buried = buried + 1
    else
      handed = handed + 1
      j.attempt, j.deliveries = j.attempt + 1, j.deliveries + 1
      local token, tokenDeadline = '', ''
      if leaseMs > 0 then
        j.state, j.leaseToken = 'leased', redis.call('HINCRBY', Q.meta, 'leaseSeq', 1)
        token, tokenDeadline = tostring(j.leaseToken), deadline
        writeJob(id, j)
        leased[#leased + 1] = deadline
        leased[#leased + 1] = id
      else
        finishJob(id, j, now) -- with the new counts, kept if retention keeps the job
      end
      for _, field in ipairs({ id, j.payload, j.attempt, j.enqueuedAt, j.priority, token, tokenDeadline, j.maxAttempts, j.traceparent or '', j.deliveries }) do
        out[#out + 1] = field
      end
    end
  end
end
zaddPairs(Q.leased, leased)
return out
