--[[
  Moves the deadline of a lease to now + the given length (a heartbeat for long jobs).
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7] job id
  ARGV[8] lease token
  ARGV[9] lease in ms; -1 the queue's default lease

  Returns: { ok, the new deadline in ms }; { notFound } no such job; { staleLease } not leased
           under this token (nothing changed)
]]
-- @include "queue"
-- @include "now"
-- @include "check-lease"

local id = ARGV[7]
local status = checkLease(id, ARGV[8])
if status ~= R.ok then return { status } end
local leaseMs = tonumber(ARGV[9])
if leaseMs < 0 then leaseMs = setting('leaseMs') end
local deadline = nowMs() + leaseMs
-- the deadline is the job's score in leased; its record does not change
redis.call('ZADD', Q.leased, deadline, id)
return { R.ok, deadline }
