--[[
  Deletes dead letters for good: the given ids, or up to 1000 of the oldest.
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7]  "ids": delete ARGV[8..]; "oldest": delete the 1000 oldest (called until none remain)
  ARGV[8..] job ids (with "ids")

  Returns: { deleted, dead letters remaining }
]]
-- @include "queue"
-- @include "job-record"

local ids = {}
if ARGV[7] == 'oldest' then
  ids = redis.call('ZRANGE', Q.dead, 0, 999)
else
  for i = 8, #ARGV do ids[#ids + 1] = ARGV[i] end
end
local deleted = 0
for _, id in ipairs(ids) do
  if redis.call('ZREM', Q.dead, id) == 1 then
    deleteJob(id)
    deleted = deleted + 1
  end
end
return { deleted, redis.call('ZCARD', Q.dead) }
