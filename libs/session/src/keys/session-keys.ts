import { SessionArgumentError } from '../errors/session-argument.error.js';

// The keys of one user's session index: live session ids scored by expiry, and by last request.
export interface UserIndexKeys {
  readonly expiry: string;
  readonly seen: string;
}

const MAX_USER_ID_LENGTH = 256;

// Every Redis key `@stash/session` uses. Sessions are `<prefix><id>`, exactly as connect-redis lays them out. The
// per-user index lives at `<prefix without ":">~user:<id>` and `~seen:<id>`: outside `<prefix>*`, so
// connect-redis's SCAN-based `all()`, `ids()`, `length()` and `clear()` never meet a sorted set.
export class SessionKeys {
  private readonly indexBase: string;

  constructor(readonly prefix: string) {
    this.indexBase = prefix.slice(0, -1);
  }

  session(sessionId: string): string {
    return `${this.prefix}${sessionId}`;
  }

  userIndex(userId: string): UserIndexKeys {
    return { expiry: `${this.indexBase}~user:${userId}`, seen: `${this.indexBase}~seen:${userId}` };
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
  return invalid(operation, userId);
}

function invalid(operation: string, userId: unknown): never {
  throw new SessionArgumentError(
    operation,
    'userId',
    userId,
    `a safe integer, or a string of 1 to ${MAX_USER_ID_LENGTH} characters without control characters`,
  );
}
