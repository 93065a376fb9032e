--[[
  Hands out up to `count` ready jobs, highest priority first, FIFO within a priority.
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
  A job stored before the field existed starts from its attempt.
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
  local popped = redis.call('ZPOPMIN', Q.ready, count - handed)
  if #popped == 0 then break end
  for i = 1, #popped, 2 do
    local id = popped[i]
    local job = redis.call('HMGET', jobKey(id), 'payload', 'attempt', 'enqueuedAt', 'priority',
      'maxAttempts', 'traceparent', 'expiresAt', 'deliveries')
    if job[7] and tonumber(job[7]) < now then
      buryJob(id, 'not started before its deadline', now)
      buried = buried + 1
    else
      handed = handed + 1
      local attempt = tonumber(job[2] or '0') + 1
      local deliveries = tonumber(job[8] or job[2] or '0') + 1
      local token, tokenDeadline = '', ''
      if leaseMs > 0 then
        token = tostring(redis.call('HINCRBY', Q.meta, 'leaseSeq', 1))
        tokenDeadline = deadline
        redis.call('HSET', jobKey(id), 'state', 'leased', 'attempt', attempt, 'deliveries', deliveries,
          'leaseToken', token, 'leaseDeadline', deadline)
        leased[#leased + 1] = deadline
        leased[#leased + 1] = id
      else
        redis.call('HSET', jobKey(id), 'deliveries', deliveries) -- kept if retention keeps the job
        finishJob(id, now)
      end
      for _, field in ipairs({ id, job[1], attempt, job[3], job[4], token, tokenDeadline, job[5] or '0', job[6] or '', deliveries }) do
        out[#out + 1] = field
      end
    end
  end
end
zaddPairs(Q.leased, leased)
return out
