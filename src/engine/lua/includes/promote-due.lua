-- @include "make-ready"
-- @include "count-event"
-- Moves due delayed jobs and jobs whose lease ran out back to the ready set, at most `limit`
-- of each, oldest first. An expired lease keeps its attempt count (the next delivery adds one)
-- and loses its token, so the late worker can no longer ack. Returns how many jobs moved.
local function promoteDue(readyKey, delayedKey, leasedKey, metaKey, jobPrefix, now, limit, wakeChannel, queueName)
  local moved = 0
  for _, source in ipairs({ delayedKey, leasedKey }) do
    local ids = redis.call('ZRANGEBYSCORE', source, '-inf', now, 'LIMIT', 0, limit)
    if #ids > 0 then
      local priorities = {}
      for i, id in ipairs(ids) do
        local jobKey = jobPrefix .. id
        priorities[i] = tonumber(redis.call('HGET', jobKey, 'priority') or '0')
        redis.call('HSET', jobKey, 'state', 'ready')
        if source == leasedKey then redis.call('HDEL', jobKey, 'leaseToken', 'leaseDeadline') end
      end
      redis.call('ZREM', source, unpack(ids))
      makeReady(readyKey, metaKey, ids, priorities, wakeChannel, queueName)
      if source == leasedKey then countEvent(metaKey, 'expiredLeases', #ids, now) end
      moved = moved + #ids
    end
  end
  return moved
end
