/**
 * A deep copy of an entity graph that keeps prototypes (a `Recipe` stays a `Recipe`), Dates, binary data, Maps,
 * Sets and cycles (`recipe.ingredients[0].recipe === recipe`). Functions and Promises (lazy relations) are
 * shared, not copied. Used for the payloads of the after-commit signals: they run later, and must see the row
 * as it was written, not as the application changed the object since.
 */
export function snapshot<T>(value: T): T {
  return copy(value, new Map()) as T;
}

function copy(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (value instanceof Date) return remember(seen, value, new Date(value.getTime()));
  if (ArrayBuffer.isView(value)) return remember(seen, value, copyView(value));
  if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet) return value;
  if (Array.isArray(value)) {
    const array: unknown[] = remember(seen, value, []);
    for (const item of value) array.push(copy(item, seen));
    return array;
  }
  if (value instanceof Map) {
    const map = remember(seen, value, new Map<unknown, unknown>());
    for (const [key, item] of value) map.set(copy(key, seen), copy(item, seen));
    return map;
  }
  if (value instanceof Set) {
    const set = remember(seen, value, new Set<unknown>());
    for (const item of value) set.add(copy(item, seen));
    return set;
  }
  const object = remember(seen, value, Object.create(Object.getPrototypeOf(value) as object | null) as object);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if ('value' in descriptor) descriptor.value = copy(descriptor.value, seen);
    Object.defineProperty(object, key, descriptor);
  }
  return object;
}

function remember<C>(seen: Map<object, unknown>, original: object, clone: C): C {
  seen.set(original, clone);
  return clone;
}

function copyView(view: ArrayBufferView): ArrayBufferView {
  if (Buffer.isBuffer(view)) return Buffer.from(view);
  const Ctor = view.constructor as new (buffer: ArrayBufferLike) => ArrayBufferView;
  return new Ctor(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}
