--[[
  Finishes a leased job: removed, or kept as done when the queue retains completed jobs.
  KEYS and ARGV[1..5]: the queue layout of includes/queue.lua.

  ARGV[6] job id
  ARGV[7] lease token

  Returns: { ok, ms from enqueue to ack } acked; { notFound } no such job;
           { staleLease } the job is not leased under this token (nothing changed)
]]
-- @include "queue"
-- @include "now"
-- @include "check-lease"
-- @include "retire"

local id = ARGV[6]
local status = checkLease(id, ARGV[7])
if status ~= R.ok then return { status } end
local now = nowMs()
local enqueuedAt = tonumber(redis.call('HGET', jobKey(id), 'enqueuedAt') or now)
redis.call('ZREM', Q.leased, id)
finishJob(id, now)
return { R.ok, now - enqueuedAt }
