-- @include "zadd-pairs"
-- Every delayed job enters the delayed set here. When one becomes its queue's earliest (the set
-- was empty, or it falls due before the head), the script PUBLISHes "<due ms> <queue>" on the due
-- channel: the reaper of every presque process then knows when this queue next falls due, not
-- only the process that stored the job. One ZRANGE per script call, a PUBLISH only for a new head.

-- The earliest due time in the delayed set as this call has left it (false: empty), once read:
-- nothing else changes the set while a script that adds to it runs.
local delayedHead

-- Adds the flat {score, member, ...} pairs; `earliest` is the lowest of their scores.
local function addDelayed(scored, earliest)
  if delayedHead == nil then
    local head = redis.call('ZRANGE', Q.delayed, 0, 0, 'WITHSCORES')
    delayedHead = head[2] and tonumber(head[2]) or false
  end
  zaddPairs(Q.delayed, scored)
  if delayedHead and earliest >= delayedHead then return end
  delayedHead = earliest
  redis.call('PUBLISH', Q.dueChannel, string.format('%.17g', earliest) .. ' ' .. Q.name)
end
