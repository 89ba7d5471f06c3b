// Sets an own, enumerable data property. Unlike assignment, a key named "__proto__" (which JSON.parse creates as
// an own property) stays data and never replaces the object's prototype.
export function defineValue(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
