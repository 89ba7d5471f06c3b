-- Deletes the lock only while ARGV[1] still owns it, so one owner can never release another's lock.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
