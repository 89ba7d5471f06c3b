-- Writes a session if the stored value is still the one the caller merged onto (compare-and-set).
-- KEYS[1] the session; KEYS[2], KEYS[3] its user's index (only when the session is bound to a user)
-- ARGV[1] SHA-1 of the stored value the write was merged onto, or '*' to write unconditionally
-- ARGV[2] the session JSON; ARGV[3] TTL (ms); ARGV[4] session id; ARGV[5] now (ms)
-- Returns 1 when written, 0 when the session no longer exists, -1 when it changed since it was read.
if ARGV[1] ~= '*' then
  local current = redis.call('GET', KEYS[1])
  if not current then return 0 end
  if redis.sha1hex(current) ~= ARGV[1] then return -1 end
end
local expires_at = tonumber(ARGV[5]) + tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PXAT', expires_at)
if #KEYS == 3 then
  stash_index(KEYS[2], KEYS[3], ARGV[4], expires_at, tonumber(ARGV[5]))
end
return 1
