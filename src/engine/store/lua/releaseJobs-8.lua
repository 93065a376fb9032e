--[[
  Gives leased jobs back at once: their consumer went away (its stream closed) or is shutting
  down with jobs it never started, so nobody should wait for the leases to run out. The delivery
  is undone (attempt - 1): a graceful stop does not burn attempts. Each release is counted on the
  job, and a job released as many times as it has attempts goes to dead letters: a job that
  crashes every worker process that takes it does not loop forever.
  A job is released only while it is still leased under the given token.
  KEYS and ARGV[1..5]: the queue layout of includes/queue.lua.

  ARGV[6..] pairs of job id, lease token

  Returns: how many jobs were released (back to ready, or to dead letters)
]]
-- @include "queue"
-- @include "now"
-- @include "check-lease"
-- @include "make-ready"
-- @include "retire"

local now = nowMs()
local ids, priorities, released = {}, {}, 0
for i = 6, #ARGV - 1, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  if checkLease(id, token) == R.ok then
    local key = jobKey(id)
    redis.call('ZREM', Q.leased, id)
    redis.call('HDEL', key, 'leaseToken', 'leaseDeadline')
    local attempt = tonumber(redis.call('HGET', key, 'attempt') or '1')
    redis.call('HSET', key, 'attempt', math.max(attempt - 1, 0))
    local releases = redis.call('HINCRBY', key, 'releases', 1)
    local maxAttempts = tonumber(redis.call('HGET', key, 'maxAttempts') or '0')
    if maxAttempts > 0 and releases >= maxAttempts then
      buryJob(id, 'released ' .. releases .. ' times: its consumers went away without acking', now)
    else
      ids[#ids + 1] = id
      priorities[#priorities + 1] = priorityOf(id)
    end
    released = released + 1
  end
end
makeReady(ids, priorities)
return released
