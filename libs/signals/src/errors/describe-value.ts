/** A short, never-throwing description of a value for error and log messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return value.name ? `the function ${value.name}` : 'a function';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'nothing';
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const ctor = (value as { constructor?: { name?: string } }).constructor;
    if (ctor && ctor !== Object && ctor.name) return `an instance of ${ctor.name}`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Array.isArray(value) ? 'an array' : 'an object';
  }
}

/** A readable description of anything thrown: receivers may reject with a string, `undefined` or an object. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return describeValue(error);
}
