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
-- @include "promote-due"

local count, leaseMs = tonumber(ARGV[7]), tonumber(ARGV[8])
if redis.call('HGET', Q.meta, 'stopped') == '1' then return { R.stopped } end
if leaseMs < 0 then leaseMs = setting('leaseMs') end

local now = nowMs()
promoteDue(now, 1000)

-- Each job handed out is its id in `handed` and, in `taken`, its record: packed when it is a plain
-- ready record to lease (job-record.lua's fast path), else unpacked with its new counts.
local handed, taken, buried, seen = {}, {}, 0, {}
-- Burials are bounded so that a backlog of expired jobs never blocks Redis for long: past the
-- bound this call hands out what it has, and the next fetch goes on.
while #handed < count and buried < 1000 do
  local popped = popReady(count - #handed)
  if #popped == 0 then break end
  local records = eachBucket('HMGET', popped)
  for i, id in ipairs(popped) do
    local s = records[i]
    -- an id whose record is gone or no longer ready is skipped (no script leaves one behind)
    if not s or seen[id] then
    elseif leaseMs > 0 and isPlainReady(s) then
      handed[#handed + 1], taken[#taken + 1] = id, s
    else
      local j = unpackJob(s)
      if j.state ~= 'ready' then
      elseif j.expiresAt and j.expiresAt < now then
        buryJob(id, j, 'not started before its deadline', now)
        buried = buried + 1
      else
        j.attempt, j.deliveries = j.attempt + 1, j.deliveries + 1
        handed[#handed + 1], taken[#taken + 1] = id, j
      end
    end
    seen[id] = true
  end
end

local out, at = { R.ok, now }, 2
-- a job's 10 fields of the reply (see the header)
local function reply(id, payload, attempt, enqueuedAt, priority, token, tokenDeadline, maxAttempts,
                     traceparent, deliveries)
  out[at + 1], out[at + 2], out[at + 3], out[at + 4], out[at + 5] =
    id, payload, attempt, enqueuedAt, priority
  out[at + 6], out[at + 7], out[at + 8], out[at + 9], out[at + 10] =
    token, tokenDeadline, maxAttempts, traceparent, deliveries
  at = at + 10
end

-- The jobs handed out are written together: leased under consecutive tokens in hand-out order
-- (one HINCRBY), or finished with their new counts (kept if retention keeps them).
local n, deadline = #handed, now + leaseMs
if leaseMs > 0 and n > 0 then
  local firstToken = redis.call('HINCRBY', Q.meta, 'leaseSeq', n) - n + 1
  -- one score text for all, not a number for Redis to format per job
  local packed, leased, score = {}, {}, string.format('%.17g', deadline)
  for i, j in ipairs(taken) do
    local id, token = handed[i], firstToken + i - 1
    if type(j) == 'string' then
      local record, payload, attempt, enqueuedAt, priority, maxAttempts, deliveries = leasePlain(j, token)
      packed[i] = record
      reply(id, payload, attempt, enqueuedAt, priority, token, deadline, maxAttempts, '', deliveries)
    else
      j.state, j.leaseToken = 'leased', token
      packed[i] = packJob(j)
      reply(id, j.payload, j.attempt, j.enqueuedAt, j.priority, token, deadline, j.maxAttempts,
        j.traceparent or '', j.deliveries)
    end
    leased[#leased + 1] = score
    leased[#leased + 1] = id
  end
  eachBucket('HSET', handed, packed)
  zaddPairs(Q.leased, leased)
else
  finishJobs(handed, taken, now)
  for i, j in ipairs(taken) do
    reply(handed[i], j.payload, j.attempt, j.enqueuedAt, j.priority, '', '', j.maxAttempts,
      j.traceparent or '', j.deliveries)
  end
end
return out
