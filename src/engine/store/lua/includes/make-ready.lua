-- @include "zadd-pairs"
-- Ready order: higher priority first, then the order in which jobs became ready.
-- score = -priority * 2^42 + readySeq stays an exact double while |priority| <= 1000 and
-- readySeq < 2^42; readySeq restarts at 0 whenever the ready set is empty.
local PRIORITY_STEP = 4398046511104

-- Puts ids (with their priorities) into the ready set in the given order, marking them ready.
-- Announces on the wake channel when the set was empty and the queue is not stopped,
-- so long-polling consumers in every presque process try again.
local function makeReady(ids, priorities)
  local n = #ids
  if n == 0 then return end
  local wasEmpty = redis.call('ZCARD', Q.ready) == 0
  if wasEmpty then redis.call('HSET', Q.meta, 'readySeq', 0) end
  local lastSeq = redis.call('HINCRBY', Q.meta, 'readySeq', n)
  local args = {}
  for i = 1, n do
    redis.call('HSET', Q.jobPrefix .. ids[i], 'state', 'ready')
    args[#args + 1] = -priorities[i] * PRIORITY_STEP + (lastSeq - n + i)
    args[#args + 1] = ids[i]
  end
  zaddPairs(Q.ready, args)
  if wasEmpty and redis.call('HGET', Q.meta, 'stopped') ~= '1' then
    redis.call('PUBLISH', Q.wakeChannel, Q.name)
  end
end

-- One job back to ready with its own priority.
local function makeOneReady(id)
  makeReady({ id }, { priorityOf(id) })
end
