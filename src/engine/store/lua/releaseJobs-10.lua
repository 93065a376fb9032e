--[[
  Gives leased jobs back at once: their consumer went away (its stream closed) or is shutting
  down with jobs it never started, so nobody should wait for the leases to run out. The delivery
  is undone (attempt - 1): a graceful stop does not burn attempts. Each release is counted on the
  job, and a job released as many times as it has attempts goes to dead letters: a job that
  crashes every worker process that takes it does not loop forever.
  A job is released only while it is still leased under the given token.
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7..] pairs of job id, lease token

  Returns: how many jobs were released (back to ready, or to dead letters)
]]
-- @include "queue"
-- @include "now"
-- @include "check-lease"
-- @include "make-ready"
-- @include "retire"

local now = nowMs()
local ids, jobs, released = {}, {}, 0
for i = 7, #ARGV - 1, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local status, j = checkLease(id, token)
  if status == R.ok then
    redis.call('ZREM', Q.leased, id)
    j.leaseToken = nil
    j.attempt = math.max(j.attempt - 1, 0)
    j.releases = (j.releases or 0) + 1
    if j.maxAttempts > 0 and j.releases >= j.maxAttempts then
      buryJob(id, j, 'released ' .. j.releases .. ' times: its consumers went away without acking', now)
    else
      j.state = 'ready'
      writeJob(id, j)
      ids[#ids + 1], jobs[#jobs + 1] = id, j
    end
    released = released + 1
  end
end
makeReady(ids, prioritiesOf(jobs))
return released
