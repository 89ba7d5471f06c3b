-- One hit of a fixed-window rate limit on KEYS[1]; ARGV: window ms, limit, block ms (0 = no block beyond the
-- window). The key holds the hit count during a window and 'blocked:<hits>' during a block, with the block's
-- own TTL: one key, so the script is atomic on a Cluster too, and a block that ends starts a new window.
-- Returns { hits, ms left of the window or block, 1 when blocked else 0, ms left of the block }.
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, 8) == 'blocked:' then
  local left = redis.call('PTTL', KEYS[1])
  return { tonumber(string.sub(value, 9)), left, 1, left }
end
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if hits == 1 or left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
if hits <= tonumber(ARGV[2]) then
  return { hits, left, 0, 0 }
end
local block = tonumber(ARGV[3])
if block > 0 then
  redis.call('SET', KEYS[1], 'blocked:' .. hits, 'PX', block)
  return { hits, block, 1, block }
end
return { hits, left, 1, left }
