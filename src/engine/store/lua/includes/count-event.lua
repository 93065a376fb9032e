-- Counts an event on the queue: the lifetime counter in meta, and the per-minute counter that
-- charts read. Minute counters live in `<meta key>:m:<minute>` (see store/keys.ts, minuteStats) and
-- expire after a little more than an hour, so they never grow without bound.
local function countEvent(event, n, now)
  redis.call('HINCRBY', Q.meta, event, n)
  local minuteKey = Q.meta .. ':m:' .. math.floor(now / 60000)
  redis.call('HINCRBY', minuteKey, event, n)
  redis.call('EXPIRE', minuteKey, 3900)
end
