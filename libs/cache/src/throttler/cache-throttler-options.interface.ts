/** Options of `CacheThrottlerStorage`. */
export interface CacheThrottlerStorageOptions {
  /**
   * When Redis is unreachable, let requests through uncounted (logged once per outage, counted in
   * `stats().throttlerFailOpens`) instead of throwing `CacheUnavailableError`. A rate limit is a security
   * control: leave it off unless availability matters more than the limit. @default false
   */
  failOpen?: boolean;
}
