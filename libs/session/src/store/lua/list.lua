-- Prunes a user's index of expired sessions, then returns it.
-- KEYS[1] expiry index; KEYS[2] last-seen index; ARGV[1] now (ms)
-- Returns { expiry index WITHSCORES, last-seen index WITHSCORES }.
stash_prune(KEYS[1], KEYS[2], tonumber(ARGV[1]))
return { redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES'), redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES') }
