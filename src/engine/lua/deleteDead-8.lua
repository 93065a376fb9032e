--[[
  Deletes dead letters for good: the given ids, or (with no ids) up to 1000 of the oldest.
  KEYS and ARGV[1..5]: the queue layout of includes/queue.lua.

  ARGV[6..] job ids (optional)

  Returns: { deleted, dead letters remaining }
]]
-- @include "queue"

local ids = {}
for i = 6, #ARGV do ids[#ids + 1] = ARGV[i] end
if #ids == 0 then ids = redis.call('ZRANGE', Q.dead, 0, 999) end
local deleted = 0
for _, id in ipairs(ids) do
  if redis.call('ZREM', Q.dead, id) == 1 then
    redis.call('DEL', jobKey(id))
    deleted = deleted + 1
  end
end
return { deleted, redis.call('ZCARD', Q.dead) }
