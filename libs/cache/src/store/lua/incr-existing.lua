-- INCRBY only when the key exists (Django's incr raises on a missing key; INCRBY would create it).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
return redis.call('INCRBY', KEYS[1], ARGV[1])
