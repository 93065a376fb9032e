--[[
  The ids at positions start..stop (inclusive, from 0) of one state's jobs, in the order the
  queue keeps them: ready in fetch order (ready:hi, the priority-0 list, ready:lo, as if they
  were one list), delayed by due time, leased by lease deadline. Changes nothing.
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7] "ready", "delayed" or "leased"
  ARGV[8] start
  ARGV[9] stop

  Returns: the ids
]]
-- @include "queue"

local state, start, stop = ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9])
if state == 'delayed' or state == 'leased' then return redis.call('ZRANGE', Q[state], start, stop) end
local out = {}
local parts = {
  { Q.readyHigh, 'ZRANGE', redis.call('ZCARD', Q.readyHigh) },
  { Q.ready, 'LRANGE', redis.call('LLEN', Q.ready) },
  { Q.readyLow, 'ZRANGE', redis.call('ZCARD', Q.readyLow) },
}
local offset = 0 -- where the part starts in the whole
for _, part in ipairs(parts) do
  local key, command, size = part[1], part[2], part[3]
  local from, to = math.max(start - offset, 0), math.min(stop - offset, size - 1)
  if from <= to then
    for _, id in ipairs(redis.call(command, key, from, to)) do out[#out + 1] = id end
  end
  offset = offset + size
end
return out
