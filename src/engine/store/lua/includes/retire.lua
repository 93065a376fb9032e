-- @include "job-record"
-- @include "count-event"
-- @include "zadd-pairs"
-- Where jobs go when they leave the queue for good: finished (acked) or dead.

-- Frees a job's unique key, if it holds one, so a new job with that key can be enqueued.
-- `j` is the job's record (job-record.lua).
local function releaseUnique(id, j)
  local key = j.unique
  if key and redis.call('HGET', Q.unique, key) == id then redis.call('HDEL', Q.unique, key) end
end

-- Keeps a ZSET of retired jobs within `keepCount` entries and `keepMs` of age, deleting the
-- records of what falls out. At most 1000 per call, so a lowered limit is applied over a few calls.
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
  deleteJobs(old)
  redis.call('ZREM', key, unpack(old))
end

-- A stand-in record for finishJobs when the queue keeps no completed jobs and the job has no
-- unique key: nothing else of the record is read then.
local NO_UNIQUE = {}

-- Jobs are done: removed, or kept in `done` when the queue's retention asks for it (the time they
-- finished is their score there). The trim also runs with a count of 0, so jobs kept before the
-- setting was lowered do not stay forever. `jobs` are the records of `ids` (or NO_UNIQUE, see
-- above). One command per bucket and set for all of them; the trim once, which keeps the same
-- newest jobs as a trim after each would.
local function finishJobs(ids, jobs, now)
  if #ids == 0 then return end
  for i, id in ipairs(ids) do releaseUnique(id, jobs[i]) end
  local keepCount, keepMs = setting('completedKeepCount'), setting('completedKeepMs')
  if keepCount > 0 then
    -- one score text for all, not a number for Redis to format per job
    local scored, score = {}, string.format('%.17g', now)
    for i, id in ipairs(ids) do
      jobs[i].state, jobs[i].leaseToken = 'done', nil
      scored[#scored + 1] = score
      scored[#scored + 1] = id
    end
    writeJobs(ids, jobs)
    zaddPairs(Q.done, scored)
  else
    deleteJobs(ids)
  end
  trimRetired(Q.done, keepCount, keepMs, now)
  countEvent('processed', #ids, now)
end

local function finishJob(id, j, now) finishJobs({ id }, { j }, now) end

-- Retention by age needs no new job to apply: the reaper calls this on every pass.
local function trimAllRetired(now)
  trimRetired(Q.done, setting('completedKeepCount'), setting('completedKeepMs'), now)
  trimRetired(Q.dead, setting('deadKeepCount'), setting('deadKeepMs'), now)
end

-- A job is dead: it stays in `dead` (capped by count and age; the time it died is its score
-- there) for inspection and redrive. Writes the record `j` with its reason.
local function buryJob(id, j, reason, now)
  releaseUnique(id, j)
  j.state, j.deadReason, j.leaseToken = 'dead', reason, nil
  writeJob(id, j)
  redis.call('ZADD', Q.dead, now, id)
  trimRetired(Q.dead, setting('deadKeepCount'), setting('deadKeepMs'), now)
  countEvent('dead', 1, now)
end
