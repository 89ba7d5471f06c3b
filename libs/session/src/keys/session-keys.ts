import { SessionArgumentError } from '../errors/session-argument.error.js';
import { SessionConfigError } from '../errors/session-config.error.js';

// The keys of one user's session index: live session ids scored by expiry, and by last request.
export interface UserIndexKeys {
  readonly expiry: string;
  readonly seen: string;
}

const MAX_USER_ID_LENGTH = 256;

// Every Redis key `@stash/session` uses. Sessions are `<prefix><id>`, exactly as connect-redis lays them out. The
// per-user index lives at `<prefix without ":">~user:<id>` and `~seen:<id>`: outside `<prefix>*`, so
// connect-redis's SCAN-based `all()`, `ids()`, `length()` and `clear()` never meet a sorted set. On a Redis
// Cluster (`hashTagged`) the user id is a hash tag, `~user:{<id>}` and `~seen:{<id>}`, so that the two sets of one
// user share a slot and a script can update both; session keys stay untagged and spread over the masters.
export class SessionKeys {
  private readonly indexBase: string;

  constructor(
    readonly prefix: string,
    readonly hashTagged = false,
  ) {
    // A brace in the prefix would become (part of) the hash tag and could split a user's two index sets.
    if (hashTagged && /[{}]/.test(prefix)) {
      throw new SessionConfigError('prefix', prefix, 'a prefix without "{" or "}" on a Redis Cluster');
    }
    this.indexBase = prefix.slice(0, -1);
  }

  session(sessionId: string): string {
    return `${this.prefix}${sessionId}`;
  }

  userIndex(userId: string): UserIndexKeys {
    if (!this.hashTagged)
      return { expiry: `${this.indexBase}~user:${userId}`, seen: `${this.indexBase}~seen:${userId}` };
    // "{}" is an empty hash tag, which Redis ignores (the whole key is hashed): the two sets would part.
    if (userId.startsWith('}')) invalid('index', userId, 'a user id that does not start with "}" on a Redis Cluster');
    return { expiry: `${this.indexBase}~user:{${userId}}`, seen: `${this.indexBase}~seen:{${userId}}` };
  }
}

// A user id as stored: a safe integer or a non-empty string without control characters, as a string.
export function normalizeUserId(operation: string, userId: unknown): string {
  if (typeof userId === 'number' && Number.isSafeInteger(userId)) return String(userId);
  if (
    typeof userId === 'string' &&
    userId.length > 0 &&
    userId.length <= MAX_USER_ID_LENGTH &&
    !/[\x00-\x1f\x7f]/.test(userId)
  ) {
    return userId;
  }
  return invalid(
    operation,
    userId,
    `a safe integer, or a string of 1 to ${MAX_USER_ID_LENGTH} characters without control characters`,
  );
}

function invalid(operation: string, userId: unknown, expected: string): never {
  throw new SessionArgumentError(operation, 'userId', userId, expected);
}
