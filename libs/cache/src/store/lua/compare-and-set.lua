-- Compare-and-set: only while KEYS[1] still holds exactly ARGV[1] (the bytes the caller read), store ARGV[2]
-- with a TTL of ARGV[3] ms ('' = never expires). An empty ARGV[2] keeps the value and changes only its TTL
-- (Stash never stores an empty value). Returns 1 when written, 0 when the key changed or vanished since.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] ~= '' then
  if ARGV[3] == '' then
    redis.call('SET', KEYS[1], ARGV[2])
  else
    redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  end
elseif ARGV[3] == '' then
  redis.call('PERSIST', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 1
