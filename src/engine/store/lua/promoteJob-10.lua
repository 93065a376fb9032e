--[[
  Makes a delayed job ready now ("run now"), keeping its place rules: it joins the ready set
  behind the jobs already ready at its priority.
  KEYS and ARGV[1..6]: the queue layout of includes/queue.lua.

  ARGV[7] job id

  Returns: ok promoted; notFound no such job; notDelayed the job is not delayed (nothing changed)
]]
-- @include "queue"
-- @include "job-record"
-- @include "make-ready"

local id = ARGV[7]
local j = readJob(id)
if not j then return R.notFound end
if j.state ~= 'delayed' or redis.call('ZREM', Q.delayed, id) == 0 then return R.notDelayed end
makeOneReady(id, j)
return R.ok
