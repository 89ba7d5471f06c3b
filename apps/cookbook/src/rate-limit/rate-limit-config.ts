/** How many requests each limit lets through per window (RATE_LIMIT_WINDOW_MS). */
export interface RateLimits {
  /** Sign-in attempts per client IP and username (LOGIN_RATE_LIMIT, default 5). */
  readonly login: number;
  /** API writes per user (API_WRITE_RATE_LIMIT, default 60). */
  readonly apiWrite: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = Object.freeze({ login: 5, apiWrite: 60 });

const MAX_LIMIT = 1_000_000;

/**
 * Reads LOGIN_RATE_LIMIT and API_WRITE_RATE_LIMIT (whole requests per minute; unset or empty = the default).
 * @throws Error naming the variable, its value and what is accepted.
 */
export function rateLimitsFromEnv(env: Readonly<Record<string, string | undefined>>): RateLimits {
  return {
    login: limit(env, 'LOGIN_RATE_LIMIT', DEFAULT_RATE_LIMITS.login),
    apiWrite: limit(env, 'API_WRITE_RATE_LIMIT', DEFAULT_RATE_LIMITS.apiWrite),
  };
}

function limit(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = /^[1-9]\d*$/.test(value) ? Number(value) : NaN;
  if (!(parsed <= MAX_LIMIT)) {
    throw new Error(
      `${name}=${JSON.stringify(value)} is not accepted: expected a whole number of requests per minute from 1 to ` +
        `${MAX_LIMIT} (default ${fallback}).`,
    );
  }
  return parsed;
}
