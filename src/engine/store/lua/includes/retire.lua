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

-- Numeric id order (oldest first), for jobs that share one score.
local function byId(a, b) return tonumber(a) < tonumber(b) end

-- Keeps a ZSET of retired jobs within `keepCount` entries and `keepMs` of age, deleting the
-- records of what falls out: the oldest by score, and among jobs of one score (one call retires
-- its jobs at one time) the lowest ids, as a trim after each job would (ZRANGE alone orders ties
-- bytewise: '10' before '9'). At most max(1000, `atLeast`) per call: the caller passes how many
-- it just added, so a call never leaves the set larger than its limits, while a lowered limit is
-- applied 1000 jobs a call. Removed in chunks of 1000 (unpack() of a long table overflows Lua's stack).
local function trimRetired(key, keepCount, keepMs, now, atLeast)
  local count = redis.call('ZCARD', key)
  if count == 0 then return end
  local byAge = redis.call('ZCOUNT', key, '-inf', now - keepMs)
  local total = math.min(math.max(byAge, count - keepCount), math.max(1000, atLeast or 0))
  if total <= 0 then return end
  local ids = redis.call('ZRANGE', key, 0, total - 1)
  if total < count then
    -- the last removed and the first kept: when they share a score, the cut is inside that run
    local edge = redis.call('ZRANGE', key, total - 1, total, 'WITHSCORES')
    if edge[2] == edge[4] then
      local run = redis.call('ZRANGEBYSCORE', key, edge[2], edge[2])
      table.sort(run, byId)
      local before = redis.call('ZCOUNT', key, '-inf', '(' .. edge[2])
      for i = before + 1, total do ids[i] = run[i - before] end
    end
  end
  deleteJobs(ids)
  for at = 1, #ids, 1000 do redis.call('ZREM', key, unpack(ids, at, math.min(at + 999, #ids))) end
end

-- A stand-in record for finishJobs when the queue keeps no completed jobs and the job has no
-- unique key: nothing else of the record is read then.
local NO_UNIQUE = {}

-- Jobs are done: removed, or kept in `done` when the queue's retention asks for it (the time they
-- finished is their score there). The trim also runs with a count of 0, so jobs kept before the
-- setting was lowered do not stay forever. `jobs` are the records of `ids` (or NO_UNIQUE, see
-- above). One command per bucket and set for all of them; the trim once, of as many as this call
-- added if more than 1000, which keeps the same newest jobs as a trim after each would.
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
  trimRetired(Q.done, keepCount, keepMs, now, #ids)
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
