--[[
  Removes up to `limit` jobs from each of ready (the list and both priority sets together),
  delayed and leased, with their records and unique keys. Called until nothing remains, so one call never blocks Redis for long.
  Dead letters and retained done jobs are not touched (see deleteDead).
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7] limit per set

  Returns: { removed, remaining }
]]
-- @include "queue"
-- @include "make-ready"
-- @include "retire"

local limit = tonumber(ARGV[7])
local removed = 0
local function remove(ids)
  for _, id in ipairs(ids) do
    local j = readJob(id)
    if j then releaseUnique(id, j) end
  end
  deleteJobs(ids)
  removed = removed + #ids
end
remove(popReady(limit))
for _, set in ipairs({ Q.delayed, Q.leased }) do
  local ids = redis.call('ZRANGE', set, 0, limit - 1)
  if #ids > 0 then
    redis.call('ZREM', set, unpack(ids))
    remove(ids)
  end
end
local remaining = readyCount() + redis.call('ZCARD', Q.delayed) + redis.call('ZCARD', Q.leased)
return { removed, remaining }
