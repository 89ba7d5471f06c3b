/** Base class of every error thrown by `@stash/session` that is not an HTTP exception. */
export class SessionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
