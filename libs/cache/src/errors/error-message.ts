/**
 * A readable description of anything thrown or rejected: loaders may reject with `undefined`, a string or a
 * plain object, and a log line about them must never throw itself.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    try {
      return String(error);
    } catch {
      return 'an unprintable value';
    }
  }
}
