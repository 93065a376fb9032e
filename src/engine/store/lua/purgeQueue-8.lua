--[[
  Removes up to `limit` jobs from each of ready, delayed and leased, with their job hashes and
  unique keys. Called until nothing remains, so one call never blocks Redis for long.
  Dead letters and retained done jobs are not touched (see deleteDead).
  KEYS and ARGV[1..5]: the queue layout of includes/queue.lua.

  ARGV[6] limit per set

  Returns: { removed, remaining }
]]
-- @include "queue"
-- @include "retire"

local limit = tonumber(ARGV[6])
local removed = 0
for _, set in ipairs({ Q.ready, Q.delayed, Q.leased }) do
  local ids = redis.call('ZRANGE', set, 0, limit - 1)
  if #ids > 0 then
    local jobKeys = {}
    for i, id in ipairs(ids) do
      releaseUnique(id)
      jobKeys[i] = jobKey(id)
    end
    redis.call('DEL', unpack(jobKeys))
    redis.call('ZREM', set, unpack(ids))
    removed = removed + #ids
  end
end
local remaining = redis.call('ZCARD', Q.ready) + redis.call('ZCARD', Q.delayed) + redis.call('ZCARD', Q.leased)
return { removed, remaining }
