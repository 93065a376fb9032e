--[[
  Puts dead jobs back into their own queue: ready again with attempt 0, so the next delivery is
  attempt 1, and without the expiry that may have killed them; the error history stays, and so
  does `deliveries` (it counts every hand-out in the job's life and is never reset). A redriven job takes its unique key back when it is free,
  else it goes on without one. Ids that are not dead letters are skipped.
  KEYS and ARGV[1..5]: the queue layout of includes/queue.lua.

  ARGV[6..] job ids

  Returns: how many jobs were redriven
]]
-- @include "queue"
-- @include "make-ready"

local ids, priorities = {}, {}
for i = 6, #ARGV do
  local id = ARGV[i]
  if redis.call('ZREM', Q.dead, id) == 1 then
    local key = jobKey(id)
    local job = redis.call('HMGET', key, 'priority', 'unique')
    redis.call('HSET', key, 'attempt', 0)
    -- a fresh start: no deadline that already passed, no stale due time
    redis.call('HDEL', key, 'deadReason', 'diedAt', 'expiresAt', 'dueAt')
    if job[2] then
      if redis.call('HSETNX', Q.unique, job[2], id) == 0 then redis.call('HDEL', key, 'unique') end
    end
    ids[#ids + 1] = id
    priorities[#priorities + 1] = tonumber(job[1] or '0')
  end
end
makeReady(ids, priorities)
return #ids
