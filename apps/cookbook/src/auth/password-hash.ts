import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/** A password as stored: an scrypt digest and its per-user salt. */
export interface PasswordHash {
  readonly salt: Buffer;
  readonly digest: Buffer;
}

const KEY_LENGTH = 64;
const SALT_BYTES = 16;
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

// Synchronous: only used while the demo users are built at startup.
export function hashPassword(password: string): PasswordHash {
  const salt = randomBytes(SALT_BYTES);
  return { salt, digest: scryptSync(password, salt, KEY_LENGTH) };
}

// Asynchronous so that a login does not block the event loop while scrypt runs.
export async function verifyPassword(password: string, hash: PasswordHash): Promise<boolean> {
  const digest = await scryptAsync(password, hash.salt, KEY_LENGTH);
  return timingSafeEqual(digest, hash.digest);
}
