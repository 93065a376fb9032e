--[[
  Gives leased jobs back without counting a failure: a consumer that goes away cleanly releases
  what it holds at once instead of letting the leases expire. The delivery did not happen, so
  the attempt count goes back down by one. A job is released only while it is still leased under
  the given token.
  KEYS and ARGV[1..5]: the queue layout of includes/queue.lua.

  ARGV[6..] pairs of job id, lease token

  Returns: how many jobs were released
]]
-- @include "queue"
-- @include "check-lease"
-- @include "make-ready"

local ids, priorities = {}, {}
for i = 6, #ARGV - 1, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  if checkLease(id, token) == 1 then
    local key = jobKey(id)
    redis.call('ZREM', Q.leased, id)
    redis.call('HDEL', key, 'leaseToken', 'leaseDeadline')
    local attempt = tonumber(redis.call('HGET', key, 'attempt') or '1')
    redis.call('HSET', key, 'attempt', math.max(attempt - 1, 0))
    ids[#ids + 1] = id
    priorities[#priorities + 1] = tonumber(redis.call('HGET', key, 'priority') or '0')
  end
end
makeReady(ids, priorities)
return #ids
