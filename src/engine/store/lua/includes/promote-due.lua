-- @include "make-ready"
-- @include "end-delivery"
-- Moves due delayed jobs to ready, and handles leases that ran out: the attempt is recorded as
-- failed ("lease expired"), and the job goes back to ready, or to dead letters when that was its
-- last attempt. The late worker's token stops working. At most `limit` jobs from each set, oldest
-- first, in due order. Returns how many jobs moved.
local function promoteDue(now, limit)
  local due = redis.call('ZRANGEBYSCORE', Q.delayed, '-inf', now, 'LIMIT', 0, limit)
  if #due > 0 then
    redis.call('ZREM', Q.delayed, unpack(due))
    local ids, jobs = {}, {}
    for i, j in ipairs(readJobs(due)) do
      if j then
        j.state = 'ready'
        ids[#ids + 1], jobs[#jobs + 1] = due[i], j
      end
    end
    writeJobs(ids, jobs)
    makeReady(ids, prioritiesOf(jobs))
  end

  local expired = redis.call('ZRANGEBYSCORE', Q.leased, '-inf', now, 'LIMIT', 0, limit)
  local again, jobs = {}, {}
  for _, id in ipairs(expired) do
    local j = endDelivery(id, 'lease expired', now)
    if j then
      j.state = 'ready'
      again[#again + 1], jobs[#jobs + 1] = id, j
    end
  end
  writeJobs(again, jobs)
  makeReady(again, prioritiesOf(jobs))
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
