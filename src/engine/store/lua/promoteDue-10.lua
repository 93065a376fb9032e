--[[
  The reaper's step for one queue: due delayed jobs go to ready, expired leases are retried or
  buried, and retained done jobs and dead letters past their age or count are deleted. Safe to run from several presque processes at once: each job moves exactly once,
  because the move happens inside this script.
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7] most jobs to move from each of delayed and leased

  Returns: { jobs moved, next due time in ms or -1, now }
]]
-- @include "queue"
-- @include "now"
-- @include "promote-due"

local now = nowMs()
local moved = promoteDue(now, tonumber(ARGV[7]))
trimAllRetired(now)
return { moved, nextDue(), now }
