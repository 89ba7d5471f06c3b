const MAX_SHOWN_CHARACTERS = 200;

/**
 * How an error message shows a value it refused: strings quoted (so `"10"` never reads as the number 10), BigInts
 * as `10n`, class instances by class, plain data as JSON, anything longer than 200 characters cut short. Never
 * throws: a value with a throwing getter or a cycle is described by its kind.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return bounded(quoted(value));
    case 'bigint':
      return `${value}n`;
    case 'function':
      return 'a function';
    case 'symbol':
      return value.toString();
    case 'object':
      return value === null ? 'null' : describeObject(value);
    default:
      return String(value);
  }
}

function describeObject(value: object): string {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) {
    return `an instance of ${(value.constructor as { name?: string } | undefined)?.name || 'a class'}`;
  }
  try {
    return bounded(JSON.stringify(value) ?? String(value));
  } catch {
    return Array.isArray(value) ? 'an array that cannot be shown' : 'an object that cannot be shown';
  }
}

// JSON escapes C0 controls only; DEL and the C1 controls (CSI, U+009B, included) must not reach a log raw either.
function quoted(text: string): string {
  return JSON.stringify(text).replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function bounded(text: string): string {
  return text.length <= MAX_SHOWN_CHARACTERS ? text : `${text.slice(0, MAX_SHOWN_CHARACTERS)}…`;
}
