-- @include "make-ready"
-- @include "end-delivery"
-- Moves due delayed jobs to ready, and handles leases that ran out: the attempt is recorded as
-- failed ("lease expired"), and the job goes back to ready, or to dead letters when that was its
-- last attempt. The late worker's token stops working. At most `limit` jobs from each set, oldest
-- first, in due order. Returns how many jobs moved.
local function promoteDue(now, limit)
  local due = redis.call('ZRANGEBYSCORE', Q.delayed, '-inf', now, 'LIMIT', 0, limit)
  if #due > 0 then
    local priorities = {}
    for i, id in ipairs(due) do priorities[i] = priorityOf(id) end
    redis.call('ZREM', Q.delayed, unpack(due))
    makeReady(due, priorities)
  end

  local expired = redis.call('ZRANGEBYSCORE', Q.leased, '-inf', now, 'LIMIT', 0, limit)
  local again, priorities = {}, {}
  for _, id in ipairs(expired) do
    if endDelivery(id, 'lease expired', now) then
      again[#again + 1] = id
      priorities[#priorities + 1] = priorityOf(id)
    end
  end
  makeReady(again, priorities)
  if #expired > 0 then countEvent('expiredLeases', #expired, now) end
  return #due + #expired
end

-- The earliest time something of this queue falls due (a delayed job or a lease), or -1.
local function nextDue()
  local first = -1
  for _, key in ipairs({ Q.delayed, Q.leased }) do
    local head = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    if head[2] and (first < 0 or tonumber(head[2]) < first) then first = tonumber(head[2]) end
  end
  return first
end
