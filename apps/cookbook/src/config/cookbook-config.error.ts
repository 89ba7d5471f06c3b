/** Thrown at bootstrap when environment variables are missing or malformed; lists every problem at once. */
export class CookbookConfigError extends Error {
  override readonly name = 'CookbookConfigError';

  constructor(
    /** One line per bad variable: its name, what it held and what is accepted. */
    readonly problems: readonly string[],
  ) {
    super(`Invalid cookbook configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}
