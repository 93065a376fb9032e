--[[
  Fires one tick of a recurring schedule: enqueues its payload and moves the schedule to its
  next tick, once. Several presque processes may try the same tick; only the one that finds
  the tick still due (compare-and-set on the due score) enqueues.
  KEYS[1..10] and ARGV[1..6]: the queue layout of includes/queue.lua.

  KEYS[11] schedules     HASH  name → definition (JSON with payload and priority)
  KEYS[12] schedule due  ZSET  name → next tick (ms)

  ARGV[7] schedule name
  ARGV[8] the tick being fired (ms), as read by the caller
  ARGV[9] the tick after it (ms)

  Returns: { ok, job id } fired; { notDue } someone else fired this tick, or the schedule is gone
]]
-- @include "queue"
-- @include "now"
-- @include "add-jobs"

local name, tick, nextTick = ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9])
local due = redis.call('ZSCORE', KEYS[12], name)
if not due or tonumber(due) ~= tick then return { R.notDue } end
local definition = redis.call('HGET', KEYS[11], name)
if not definition then
  redis.call('ZREM', KEYS[12], name)
  return { R.notDue }
end
redis.call('ZADD', KEYS[12], nextTick, name)
local schedule = cjson.decode(definition)
local ids = addJobs({ schedule.payload }, { priority = schedule.priority or 0 }, nowMs())
return { R.ok, ids[1] }
