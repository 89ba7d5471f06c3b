-- Cluster only: indexes a session in its user's index before the session itself is written (the session key is in
-- another slot). GT keeps the highest expiry, so writes that reach the two slots in different orders never leave an
-- entry that expires before its session: the index stays a superset of the user's live sessions.
-- KEYS[1] expiry index; KEYS[2] last-seen index; ARGV[1] session id; ARGV[2] expiry (ms); ARGV[3] now (ms)
stash_index(KEYS[1], KEYS[2], ARGV[1], ARGV[2], tonumber(ARGV[3]), 'GT')
return 1
