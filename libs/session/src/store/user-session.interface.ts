/** One live session of a user, as listed by `SessionService.listForUser`. */
export interface UserSession {
  /**
   * The session id. Safe to show to its owner: a cookie must also carry the HMAC of the id under the secret,
   * so an id alone cannot be replayed. Pass it to `destroyAllForUser`'s `except`, or compare it with
   * `req.sessionID` to mark the current device.
   */
  readonly id: string;
  readonly userId: string;
  /** When `login` bound the session to the user. */
  readonly createdAt: Date | undefined;
  /** The last request that loaded the session. */
  readonly lastSeenAt: Date;
  /** When the session expires unless it is used (rolling) or saved again. */
  readonly expiresAt: Date;
  /** The `User-Agent` of the login request. */
  readonly userAgent: string | undefined;
}
