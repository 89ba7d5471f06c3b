import { CacheArgumentError } from './errors/cache-argument.error.js';

// Checks of `CacheService` arguments that no part below it validates.

export function assertDelta(operation: string, delta: number): number {
  if (!Number.isSafeInteger(delta)) throw new CacheArgumentError(operation, 'delta', delta, 'a safe integer');
  return delta;
}

export function assertGlob(glob: string): string {
  if (typeof glob !== 'string' || glob.length === 0)
    throw new CacheArgumentError('iterKeys', 'glob', glob, 'a non-empty string');
  return glob;
}

export function assertRetry(retry: unknown): boolean {
  if (retry !== undefined && typeof retry !== 'boolean') {
    throw new CacheArgumentError('invalidateTags', 'retry', retry, 'a boolean');
  }
  return retry ?? false;
}
