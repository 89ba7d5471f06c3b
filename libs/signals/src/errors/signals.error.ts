/** Base class of every error thrown by `@stash/signals`. */
export class SignalsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
