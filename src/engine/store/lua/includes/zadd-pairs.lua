-- ZADD of flat {score, member, ...} pairs in chunks: unpack() of a long table overflows Lua's stack.
local function zaddPairs(key, flat)
  for i = 1, #flat, 1000 do
    redis.call('ZADD', key, unpack(flat, i, math.min(i + 999, #flat)))
  end
end
