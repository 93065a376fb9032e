-- @include "job-record"
-- @include "zadd-pairs"
-- Ready order: higher priority first, then the order in which jobs became ready. Priority 0, the
-- common case, is a LIST (a few bytes per job); other priorities are ZSETs, ready:hi (> 0) popped
-- before the list and ready:lo (< 0) after it. In both, score = -priority * 2^42 + readySeq stays
-- an exact double while |priority| <= 1000 and readySeq < 2^42; readySeq restarts at 0 whenever
-- both sets are empty.
local PRIORITY_STEP = 4398046511104

-- While `held`, makeReady notes a wake (`due`) instead of publishing it: a script that hands the
-- jobs out itself (enqueueEach-10.lua) publishes only when some are still ready after that.
local wakeHold = { held = false, due = false }

-- Puts jobs into the ready index in the given order. `priorities` are the jobs' priorities, or
-- one number, the priority of them all (a new batch); their records are already marked ready and
-- written by the caller; `ids` their ids. Announces on the wake channel when nothing was ready and
-- the queue is not stopped, so long-polling consumers in every presque process try again.
local function makeReady(ids, priorities)
  local n = #ids
  if n == 0 then return end
  local plain, ranked = ids, {}
  if priorities ~= 0 then
    local all = type(priorities) == 'number' and priorities
    plain = {}
    for i = 1, n do
      if (all or priorities[i]) == 0 then plain[#plain + 1] = ids[i] else ranked[#ranked + 1] = i end
    end
  end
  -- Nothing was ready when the list held none of these before and both sets are empty; with only
  -- the list growing, RPUSH's new length tells the first (the sets are asked only then).
  local wasEmpty = #ranked > 0 and readyCount() == 0
  for i = 1, #plain, 1000 do
    local length = redis.call('RPUSH', Q.ready, unpack(plain, i, math.min(i + 999, #plain)))
    if i == 1 and #ranked == 0 then
      wasEmpty = length == math.min(1000, #plain)
        and redis.call('ZCARD', Q.readyHigh) + redis.call('ZCARD', Q.readyLow) == 0
    end
  end
  if #ranked > 0 then
    if redis.call('ZCARD', Q.readyHigh) + redis.call('ZCARD', Q.readyLow) == 0 then
      redis.call('HSET', Q.meta, 'readySeq', 0)
    end
    local lastSeq = redis.call('HINCRBY', Q.meta, 'readySeq', #ranked)
    local high, low = {}, {}
    for k, i in ipairs(ranked) do
      local priority = type(priorities) == 'number' and priorities or priorities[i]
      local into = priority > 0 and high or low
      into[#into + 1] = -priority * PRIORITY_STEP + (lastSeq - #ranked + k)
      into[#into + 1] = ids[i]
    end
    zaddPairs(Q.readyHigh, high)
    zaddPairs(Q.readyLow, low)
  end
  if wasEmpty and redis.call('HGET', Q.meta, 'stopped') ~= '1' then
    if wakeHold.held then wakeHold.due = true else redis.call('PUBLISH', Q.wakeChannel, Q.name) end
  end
end

-- The priorities of records (job-record.lua), for makeReady.
local function prioritiesOf(jobs)
  local priorities = {}
  for i, j in ipairs(jobs) do priorities[i] = j.priority end
  return priorities
end

-- One job back to ready: its record is marked ready and written, then indexed.
local function makeOneReady(id, j)
  j.state = 'ready'
  writeJob(id, j)
  makeReady({ id }, j.priority)
end

-- Takes up to n ids off the ready index, in fetch order (high, list, low).
local function popReady(n)
  local ids = {}
  local high = redis.call('ZPOPMIN', Q.readyHigh, n)
  for i = 1, #high, 2 do ids[#ids + 1] = high[i] end
  if #ids < n then
    local plain = redis.call('LPOP', Q.ready, n - #ids)
    if plain then for _, id in ipairs(plain) do ids[#ids + 1] = id end end
  end
  if #ids < n then
    local low = redis.call('ZPOPMIN', Q.readyLow, n - #ids)
    for i = 1, #low, 2 do ids[#ids + 1] = low[i] end
  end
  return ids
end
