-- @include "retire"
-- @include "record-error"
-- A delivery that ended without an ack or a nack (the lease ran out, the consumer went away).
-- It counts as a failed attempt with `message` in the job's history; on its last attempt the job
-- goes to dead letters. Returns true when the job should go back to ready.
local function endDelivery(id, message, now)
  local job = redis.call('HMGET', jobKey(id), 'attempt', 'maxAttempts')
  local attempt, maxAttempts = tonumber(job[1] or '0'), tonumber(job[2] or '0')
  redis.call('ZREM', Q.leased, id)
  redis.call('HDEL', jobKey(id), 'leaseToken', 'leaseDeadline')
  recordError(id, attempt, message, now)
  if maxAttempts > 0 and attempt >= maxAttempts then
    buryJob(id, message .. ' on attempt ' .. attempt .. ' of ' .. maxAttempts, now)
    return false
  end
  return true
end
