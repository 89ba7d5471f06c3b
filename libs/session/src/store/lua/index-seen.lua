-- Cluster only: records a request of a session in its user's last-seen index, if the session is still indexed
-- (a destroy removes the session, then its entries: a late request never re-indexes it).
-- KEYS[1] expiry index; KEYS[2] last-seen index; ARGV[1] session id; ARGV[2] now (ms)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local now = tonumber(ARGV[2])
redis.call('ZADD', KEYS[2], now, ARGV[1])
stash_prune(KEYS[1], KEYS[2], now)
return 1
