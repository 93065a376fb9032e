--[[
  Makes a delayed job ready now ("run now"), keeping its place rules: it joins the ready set
  behind the jobs already ready at its priority.
  KEYS and ARGV[1..5]: the queue layout of includes/queue.lua.

  ARGV[6] job id

  Returns: ok promoted; notFound no such job; notDelayed the job is not delayed (nothing changed)
]]
-- @include "queue"
-- @include "make-ready"

local id = ARGV[6]
local state = redis.call('HGET', jobKey(id), 'state')
if not state then return R.notFound end
if state ~= 'delayed' or redis.call('ZREM', Q.delayed, id) == 0 then return R.notDelayed end
redis.call('HDEL', jobKey(id), 'dueAt')
makeOneReady(id)
return R.ok
