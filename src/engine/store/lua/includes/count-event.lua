-- Counts an event on the queue: the lifetime counter in meta, and the per-minute counter that
-- charts read. Minute counters live in `<meta key>:m:<minute>` (see store/keys.ts, minuteStats) and
-- expire after a little more than an hour, so they never grow without bound.
local function countEvent(event, n, now)
  redis.call('HINCRBY', Q.meta, event, n)
  local minuteKey = Q.meta .. ':m:' .. math.floor(now / 60000)
  -- The first count of an event in a minute sets the expiry (counts are >= 1): the key was made
  -- by it or by an earlier first count (or the depth sampler), which set it too. It lasts at
  -- least 3840 s after the minute's last write, past the hour the charts read.
  if redis.call('HINCRBY', minuteKey, event, n) == n then redis.call('EXPIRE', minuteKey, 3900) end
end
