-- INCRBY only when the key exists (Django's incr raises on a missing key; INCRBY would create it), and only
-- while the result stays a safe integer: a JavaScript number cannot hold more, so such a result is undone.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if value > 9007199254740991 or value < -9007199254740991 then
  redis.call('DECRBY', KEYS[1], ARGV[1])
  return redis.error_reply('ERR the result is out of range of safe integers')
end
return value
