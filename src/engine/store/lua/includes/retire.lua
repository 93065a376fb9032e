-- @include "count-event"
-- Where jobs go when they leave the queue for good: finished (acked) or dead.

-- Frees a job's unique key, if it holds one, so a new job with that key can be enqueued.
local function releaseUnique(id)
  local key = redis.call('HGET', jobKey(id), 'unique')
  if key and redis.call('HGET', Q.unique, key) == id then redis.call('HDEL', Q.unique, key) end
end

-- Keeps a ZSET of retired jobs within `keepCount` entries and `keepMs` of age, deleting the job
-- hashes of what falls out. At most 1000 per call, so a lowered limit is applied over a few calls.
local function trimRetired(key, keepCount, keepMs, now)
  local count = redis.call('ZCARD', key)
  if count == 0 then return end
  local old = redis.call('ZRANGEBYSCORE', key, '-inf', now - keepMs, 'LIMIT', 0, 1000)
  local excess = count - #old - keepCount
  if excess > 0 then
    local oldest = redis.call('ZRANGE', key, #old, #old + math.min(excess, 1000) - 1)
    for _, id in ipairs(oldest) do old[#old + 1] = id end
  end
  if #old == 0 then return end
  local jobKeys = {}
  for i, id in ipairs(old) do jobKeys[i] = jobKey(id) end
  redis.call('DEL', unpack(jobKeys))
  redis.call('ZREM', key, unpack(old))
end

-- A job is done: removed, or kept in `done` when the queue's retention asks for it. The trim
-- also runs with a count of 0, so jobs kept before the setting was lowered do not stay forever.
local function finishJob(id, now)
  releaseUnique(id)
  local keepCount, keepMs = setting('completedKeepCount'), setting('completedKeepMs')
  if keepCount > 0 then
    redis.call('HSET', jobKey(id), 'state', 'done', 'finishedAt', now)
    redis.call('HDEL', jobKey(id), 'leaseToken', 'leaseDeadline')
    redis.call('ZADD', Q.done, now, id)
  else
    redis.call('DEL', jobKey(id))
  end
  trimRetired(Q.done, keepCount, keepMs, now)
  countEvent('processed', 1, now)
end

-- Retention by age needs no new job to apply: the reaper calls this on every pass.
local function trimAllRetired(now)
  trimRetired(Q.done, setting('completedKeepCount'), setting('completedKeepMs'), now)
  trimRetired(Q.dead, setting('deadKeepCount'), setting('deadKeepMs'), now)
end

-- A job is dead: it stays in `dead` (capped by count and age) for inspection and redrive.
local function buryJob(id, reason, now)
  releaseUnique(id)
  redis.call('HSET', jobKey(id), 'state', 'dead', 'deadReason', reason, 'diedAt', now)
  redis.call('HDEL', jobKey(id), 'leaseToken', 'leaseDeadline')
  redis.call('ZADD', Q.dead, now, id)
  trimRetired(Q.dead, setting('deadKeepCount'), setting('deadKeepMs'), now)
  countEvent('dead', 1, now)
end
