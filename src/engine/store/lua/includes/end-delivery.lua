-- @include "retire"
-- @include "record-error"
-- A delivery that ended without an ack or a nack (the lease ran out, the consumer went away).
-- It counts as a failed attempt with `message` in the job's history; on its last attempt the job
-- goes to dead letters. Returns the record (job-record.lua), its lease gone and not yet written,
-- when the job should go back to ready; nil when it went to dead letters (or is gone).
local function endDelivery(id, message, now)
  redis.call('ZREM', Q.leased, id)
  local j = readJob(id)
  if not j then return nil end
  j.leaseToken = nil
  recordError(j, message, now)
  if j.maxAttempts > 0 and j.attempt >= j.maxAttempts then
    buryJob(id, j, message .. ' on attempt ' .. j.attempt .. ' of ' .. j.maxAttempts, now)
    return nil
  end
  return j
end
