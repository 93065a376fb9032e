--[[
  Finishes many leased jobs of one queue in one call, each on its own: one round trip instead of
  one per job. A consumer's AckBatch, and single acks that arrived in the same turn of the event
  loop (group commit, src/engine/ops/group-commit.ts). A leased job is finished (removed, or kept
  as done when the queue retains completed jobs).
  KEYS and ARGV[1..5]: the queue layout of includes/queue.lua.

  ARGV[6..] pairs of job id, lease token

  Returns: per pair, in order, two numbers: status (ok acked; notFound no such job; staleLease
           not leased under this token, nothing changed) and the ms from enqueue to ack (0 unless acked)
]]
-- @include "queue"
-- @include "now"
-- @include "check-lease"
-- @include "retire"

local now = nowMs()
local out = {}
for i = 6, #ARGV - 1, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local status, j = checkLease(id, token)
  local latency = 0
  if status == R.ok then
    latency = now - j.enqueuedAt
    redis.call('ZREM', Q.leased, id)
    finishJob(id, j, now)
  end
  out[#out + 1] = status
  out[#out + 1] = latency
end
return out
