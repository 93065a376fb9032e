--[[
  The reaper's step for one queue: due delayed jobs and expired leases go back to the ready set.
  Safe to run from several presque processes at once: each job moves exactly once, because
  the move happens inside this script.

  KEYS[1] ready    ZSET
  KEYS[2] delayed  ZSET
  KEYS[3] leased   ZSET
  KEYS[4] meta     HASH

  ARGV[1] job key prefix
  ARGV[2] wake channel
  ARGV[3] queue name
  ARGV[4] most jobs to move from each of delayed and leased

  Returns: how many jobs moved
]]
-- @include "now"
-- @include "promote-due"

return promoteDue(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], nowMs(), tonumber(ARGV[4]), ARGV[2], ARGV[3])
