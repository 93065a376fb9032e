--[[
  Gives leased jobs back at once: a consumer went away (its stream closed) or is shutting down,
  so nobody should wait for the leases to run out. The delivery did happen, so like an expired
  lease it counts as a failed attempt ("consumer went away"): a job that crashes every worker
  that takes it still ends in dead letters after its last attempt instead of looping forever.
  A job is released only while it is still leased under the given token.
  KEYS and ARGV[1..5]: the queue layout of includes/queue.lua.

  ARGV[6..] pairs of job id, lease token

  Returns: how many jobs were released (back to ready or to dead letters)
]]
-- @include "queue"
-- @include "now"
-- @include "check-lease"
-- @include "make-ready"
-- @include "end-delivery"

local now = nowMs()
local ids, priorities, released = {}, {}, 0
for i = 6, #ARGV - 1, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  if checkLease(id, token) == 1 then
    if endDelivery(id, 'consumer went away', now) then
      ids[#ids + 1] = id
      priorities[#priorities + 1] = priorityOf(id)
    end
    released = released + 1
  end
end
makeReady(ids, priorities)
return released
