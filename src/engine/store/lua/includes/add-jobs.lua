-- @include "make-ready"
-- @include "zadd-pairs"
-- @include "count-event"
-- Creates jobs for `payloads` with the options `o` (decoded JSON):
--   priority, delayMs, runAtMs (absolute, wins over delayMs), maxAttempts (0: the queue's),
--   expiresAtMs (must start by), unique (key), traceparent, requeue (counts a failure)
-- Returns the new ids. Refusals (unique key taken, queue full) are checked by the caller first.
local function addJobs(payloads, o, now)
  local n = #payloads
  local lastId = redis.call('HINCRBY', Q.meta, 'lastId', n)
  local dueAt = o.runAtMs or 0
  if dueAt == 0 and (o.delayMs or 0) > 0 then dueAt = now + o.delayMs end
  local delayed = dueAt > now
  local maxAttempts = o.maxAttempts or 0
  if maxAttempts == 0 then maxAttempts = setting('maxAttempts') end
  local priority = o.priority or 0
  local ids, priorities, dueArgs = {}, {}, {}
  for i = 1, n do
    local id = tostring(lastId - n + i)
    ids[i] = id
    priorities[i] = priority
    local key = jobKey(id)
    redis.call('HSET', key, 'payload', payloads[i], 'state', delayed and 'delayed' or 'ready',
      'attempt', 0, 'deliveries', 0, 'enqueuedAt', now, 'priority', priority, 'maxAttempts', maxAttempts)
    if o.expiresAtMs then redis.call('HSET', key, 'expiresAt', o.expiresAtMs) end
    if o.traceparent then redis.call('HSET', key, 'traceparent', o.traceparent) end
    if o.unique then
      redis.call('HSET', key, 'unique', o.unique)
      redis.call('HSET', Q.unique, o.unique, id)
    end
    if delayed then
      redis.call('HSET', key, 'dueAt', dueAt)
      dueArgs[#dueArgs + 1] = dueAt
      dueArgs[#dueArgs + 1] = id
    end
  end
  if delayed then zaddPairs(Q.delayed, dueArgs) else makeReady(ids, priorities) end
  countEvent('enqueued', n, now)
  if o.requeue then countEvent('failed', n, now) end
  return ids
end
