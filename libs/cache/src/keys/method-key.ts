import { createHash } from 'node:crypto';
import { serializeKeyValues } from './key-values.js';

// Longer argument lists are hashed, so that `<Class>.<method>:` stays readable within maxKeyLength.
const MAX_READABLE_ARGUMENTS = 100;
// JSON escapes every control character but DEL, which normalizeKey refuses; such arguments are hashed too.
const UNSTORABLE = /[\x00-\x1f\x7f]/;

/**
 * Default key of a `@Cached` method call: `<ClassName>.<method>:<arguments>`, the arguments serialised stably
 * (`typed` mode of {@link serializeKeyValues}: `1` and `'1'` differ, object keys sorted, Dates kept). Argument
 * lists longer than 100 characters become `#` and a SHA-256 digest; a serialisation always starts with `[`, so
 * the two forms cannot collide.
 * @throws CacheKeyArgumentError naming the class, the method and the argument's index.
 */
export function methodKey(className: string, methodName: string, args: readonly unknown[]): string {
  const text = serializeKeyValues(args, 'typed', {
    target: `${className}.${methodName}`,
    element: 'argument',
    hint: 'pass strings, numbers, booleans, BigInts, Dates, or arrays and plain objects of them, or give @Cached a key function',
  });
  const readable = text.length <= MAX_READABLE_ARGUMENTS && !UNSTORABLE.test(text);
  return `${className}.${methodName}:${readable ? text : `#${createHash('sha256').update(text).digest('base64url')}`}`;
}
