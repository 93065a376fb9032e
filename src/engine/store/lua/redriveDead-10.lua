--[[
  Puts dead jobs back into their own queue: ready again with attempt 0, so the next delivery is
  attempt 1, with no releases counted and without the expiry that may have killed them (a job
  that died of releases starts over too); the error history stays, and so
  does `deliveries` (it counts every hand-out in the job's life and is never reset). A redriven job takes its unique key back when it is free,
  else it goes on without one. Ids that are not dead letters are skipped.
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7..] job ids

  Returns: how many jobs were redriven
]]
-- @include "queue"
-- @include "make-ready"

local ids, jobs = {}, {}
for i = 7, #ARGV do
  local id = ARGV[i]
  local j = redis.call('ZREM', Q.dead, id) == 1 and readJob(id)
  if j then
    -- a fresh start: no deadline that already passed, no releases towards dying again
    j.state, j.attempt, j.deadReason, j.expiresAt, j.releases = 'ready', 0, nil, nil, nil
    if j.unique and redis.call('HSETNX', Q.unique, j.unique, id) == 0 then j.unique = nil end
    writeJob(id, j)
    ids[#ids + 1], jobs[#jobs + 1] = id, j
  end
end
makeReady(ids, prioritiesOf(jobs))
return #ids
