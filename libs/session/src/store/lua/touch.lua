-- Extends a session's TTL (rolling sessions) and records the request in its user's index.
-- KEYS[1] the session; KEYS[2], KEYS[3] its user's index (only when the session is bound to a user)
-- ARGV[1] new TTL (ms), or '' to keep the current expiry; ARGV[2] session id; ARGV[3] now (ms)
-- Returns 0 when the session no longer exists: a destroyed session is never re-indexed.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local now = tonumber(ARGV[3])
if ARGV[1] ~= '' then
  local expires_at = now + tonumber(ARGV[1])
  redis.call('PEXPIREAT', KEYS[1], expires_at)
  if #KEYS == 3 then stash_index(KEYS[2], KEYS[3], ARGV[2], expires_at, now) end
elseif #KEYS == 3 then
  -- The expiry did not change: the score the last save set is exact; only a missing entry is added back.
  stash_index(KEYS[2], KEYS[3], ARGV[2], now + redis.call('PTTL', KEYS[1]), now, 'NX')
end
return 1
