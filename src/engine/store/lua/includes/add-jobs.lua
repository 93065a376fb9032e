-- @include "job-record"
-- @include "make-ready"
-- @include "add-delayed"
-- @include "count-event"
-- Creates jobs for `payloads` with the options `o` (decoded JSON):
--   priority, delayMs, runAtMs (absolute, wins over delayMs), maxAttempts (0: the queue's),
--   expiresAtMs (must start by), unique (key), traceparent, requeue (counts a failure)
-- Returns the new ids. Refusals (unique key taken, queue full) are checked by the caller first.
-- The packed record of a job enqueued with `o` in `state`, without its payload (which goes last):
-- the jobs of one call differ only in their payload, so it is packed once. Raises a script error,
-- writing nothing, when a value does not fit the record (job-record.lua).
local function jobHead(o, state, now)
  local maxAttempts = o.maxAttempts or 0
  if maxAttempts == 0 then maxAttempts = setting('maxAttempts') end
  local head = newJob(state, '', maxAttempts, o.priority or 0, now)
  head.expiresAt, head.traceparent, head.unique = o.expiresAtMs, o.traceparent, o.unique
  return packJob(head)
end

local function addJobs(payloads, o, now)
  local n = #payloads
  local dueAt = o.runAtMs or 0
  if dueAt == 0 and (o.delayMs or 0) > 0 then dueAt = now + o.delayMs end
  local delayed = dueAt > now
  local priority = o.priority or 0
  local head = jobHead(o, delayed and 'delayed' or 'ready', now) -- before the first write
  local lastId = redis.call('HINCRBY', Q.meta, 'lastId', n)
  -- one score text for all, not a number for Redis to format per job
  local ids, records, dueArgs, dueText = {}, {}, {}, string.format('%.17g', dueAt)
  for i = 1, n do
    local id = tostring(lastId - n + i)
    ids[i] = id
    records[i] = head .. payloads[i]
    if delayed then
      dueArgs[#dueArgs + 1] = dueText
      dueArgs[#dueArgs + 1] = id
    end
  end
  -- jobs of one bucket are written by one HSET (of at most 500 jobs)
  eachBucket('HSET', ids, records)
  if o.unique then redis.call('HSET', Q.unique, o.unique, ids[n]) end
  if delayed then addDelayed(dueArgs, dueAt) else makeReady(ids, priority) end
  countEvent('enqueued', n, now)
  if o.requeue then countEvent('failed', n, now) end
  return ids
end
