--[[
  Finishes many leased jobs of one queue in one call, each on its own: one round trip instead of
  one per job. A consumer's AckBatch, and single acks that arrived in the same turn of the event
  loop (group commit, src/engine/ops/group-commit.ts). A leased job is finished (removed, or kept
  as done when the queue retains completed jobs).
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7..] pairs of job id, lease token

  Returns: per pair, in order, two numbers: status (ok acked; notFound no such job; staleLease
           not leased under this token, nothing changed) and the ms from enqueue to ack (0 unless acked)
]]
-- @include "queue"
-- @include "now"
-- @include "check-lease"
-- @include "retire"

local now = nowMs()
local ids, tokens = {}, {}
for i = 7, #ARGV - 1, 2 do
  ids[#ids + 1], tokens[#tokens + 1] = ARGV[i], ARGV[i + 1]
end
-- Every record read at once and every acked job finished at once: each pair answered as if
-- acked on its own, in order, so a pair repeating an id acked before it is refused as that job
-- now is (gone, or done and no longer leased). A record is unpacked only when finishing needs
-- more than its id: a unique key to free, or retention that keeps the job.
local keep = setting('completedKeepCount') > 0
local records = eachBucket('HMGET', ids)
local out, acked, ackedJobs, seen = {}, {}, {}, {}
for i, id in ipairs(ids) do
  local s, status, latency = records[i], nil, 0
  if seen[id] then
    status = keep and R.staleLease or R.notFound
  elseif not s then
    status = R.notFound
  else
    local state, token, enqueuedAt, unique = leaseOf(s)
    if state ~= 'leased' or tostring(token) ~= tokens[i] then
      status = R.staleLease
    else
      status, latency, seen[id] = R.ok, now - enqueuedAt, true
      acked[#acked + 1] = id
      ackedJobs[#ackedJobs + 1] = (keep or unique) and unpackJob(s) or NO_UNIQUE
    end
  end
  out[#out + 1] = status
  out[#out + 1] = latency
end
for i = 1, #acked, 1000 do
  redis.call('ZREM', Q.leased, unpack(acked, i, math.min(i + 999, #acked)))
end
finishJobs(acked, ackedJobs, now)
return out
