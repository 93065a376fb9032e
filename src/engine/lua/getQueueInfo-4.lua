--[[
  Sizes and counters of one queue, read consistently in one round trip.

  KEYS[1] ready    ZSET
  KEYS[2] delayed  ZSET
  KEYS[3] leased   ZSET
  KEYS[4] meta     HASH

  Returns: { ready, delayed, leased, stopped, enqueued, processed, failed, expiredLeases }
]]
local meta = redis.call('HMGET', KEYS[4], 'stopped', 'enqueued', 'processed', 'failed', 'expiredLeases')
return {
  redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]),
  tonumber(meta[1] or '0'), tonumber(meta[2] or '0'), tonumber(meta[3] or '0'),
  tonumber(meta[4] or '0'), tonumber(meta[5] or '0'),
}
