-- Shared by every script (prepended to each): the per-user session index.
-- expiry_key scores each session id by when it expires, seen_key by its last request (both in ms, on the clock of
-- the application, which also computes the sessions' absolute expiry: PXAT / PEXPIREAT with the same value, so an
-- entry and its session expire at the same instant whatever the clock of the Redis server).

local function stash_prune(expiry_key, seen_key, now)
  local expired = redis.call('ZRANGEBYSCORE', expiry_key, '-inf', now)
  for i = 1, #expired do
    redis.call('ZREM', expiry_key, expired[i])
    redis.call('ZREM', seen_key, expired[i])
  end
  local last = redis.call('ZRANGE', expiry_key, -1, -1, 'WITHSCORES')
  if last[2] then
    -- The index expires with its longest-lived session, so an idle user's index never outlives it.
    redis.call('PEXPIREAT', expiry_key, last[2])
    redis.call('PEXPIREAT', seen_key, last[2])
  end
end

-- mode, a ZADD flag for the expiry score: nil sets it, 'NX' only adds a missing entry, 'GT' only raises it.
local function stash_index(expiry_key, seen_key, sid, expires_at, now, mode)
  if mode then
    redis.call('ZADD', expiry_key, mode, expires_at, sid)
  else
    redis.call('ZADD', expiry_key, expires_at, sid)
  end
  redis.call('ZADD', seen_key, now, sid)
  stash_prune(expiry_key, seen_key, now)
end
