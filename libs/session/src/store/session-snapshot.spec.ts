import type { SessionData } from 'express-session';
import { SessionSerializationError } from '../errors/session-serialization.error.js';
import {
  applyChanges,
  dataChanged,
  diffSnapshots,
  parseSessionData,
  parseSnapshot,
  serializeSnapshot,
  snapshotSession,
} from './session-snapshot.js';

const cookie = { originalMaxAge: 1000, expires: '2030-01-01T00:00:00.000Z', httpOnly: true, path: '/' };
const session = (data: Record<string, unknown>) => ({ cookie, ...data }) as unknown as SessionData;
class Cart {
  items = [];
}

describe('session snapshots', () => {
  describe('snapshotSession', () => {
    it('gives the same JSON as JSON.stringify of the whole session', () => {
      const data = session({ a: 1, b: { c: [1, 'x', null, true] }, skipped: undefined });
      expect(serializeSnapshot(snapshotSession('sid', data))).toBe(JSON.stringify(data));
    });

    it.each<[string, unknown, string]>([
      ['a Date', new Date(0), 'session.value is a Date'],
      ['a nested Date', { at: new Date(0) }, 'session.value.at is a Date'],
      ['a Map', new Map(), 'session.value is an instance of Map'],
      ['a Set in an array', [new Set()], 'session.value[0] is an instance of Set'],
      ['a class instance', new Cart(), 'session.value is an instance of Cart'],
      ['a BigInt', 1n, 'session.value is a bigint'],
      ['a function', () => 1, 'session.value is a function'],
      ['a symbol', Symbol('s'), 'session.value is a symbol'],
      ['NaN', Number.NaN, 'session.value is NaN'],
      ['Infinity', Infinity, 'session.value is Infinity'],
      ['undefined in an array', [1, undefined], 'session.value[1] is undefined'],
      ['a Buffer', Buffer.from('x'), 'session.value is an instance of Buffer'],
    ])('refuses %s with SessionSerializationError', (_name, value, message) => {
      expect(() => snapshotSession('sid', session({ value }))).toThrow(SessionSerializationError);
      expect(() => snapshotSession('sid', session({ value }))).toThrow(message);
    });

    it('refuses a circular reference', () => {
      const value: Record<string, unknown> = {};
      value.self = value;
      expect(() => snapshotSession('sid', session({ value }))).toThrow('session.value.self is a circular reference');
    });

    it('accepts objects without a prototype and shared (non-circular) references', () => {
      const shared = { x: 1 };
      const bare = Object.assign(Object.create(null) as object, { y: 2 });
      expect(() => snapshotSession('sid', session({ a: shared, b: shared, bare }))).not.toThrow();
    });
  });

  describe('diff and merge', () => {
    const before = snapshotSession('sid', session({ a: 1, b: 2, c: 3 }));

    it('lists the keys a request set and removed', () => {
      const after = snapshotSession('sid', session({ a: 1, b: 20, d: 4 }));
      const changes = diffSnapshots(before, after);
      expect([...changes.set]).toEqual([
        ['b', '20'],
        ['d', '4'],
      ]);
      expect(changes.removed).toEqual(['c']);
    });

    it('applies only those keys on top of what is stored now', () => {
      const mine = diffSnapshots(before, snapshotSession('sid', session({ a: 1, b: 20, c: 3 })));
      const storedNow = snapshotSession('sid', session({ a: 1, b: 2, c: 3, other: 'theirs' }));
      expect(JSON.parse(serializeSnapshot(applyChanges(storedNow, mine)))).toEqual({
        cookie,
        a: 1,
        b: 20,
        c: 3,
        other: 'theirs',
      });
    });

    it.each<[string, Record<string, unknown>, boolean]>([
      ['nothing', { a: 1, b: 2, c: 3 }, false],
      ['a value', { a: 1, b: 2, c: 4 }, true],
      ['a removed key', { a: 1, b: 2 }, true],
      ['a nested value', { a: 1, b: 2, c: 3, d: { e: 1 } }, true],
    ])('dataChanged after changing %s is %s', (_name, data, changed) => {
      expect(dataChanged(before, snapshotSession('sid', session(data)))).toBe(changed);
    });

    it('does not count a cookie-only change as a data change', () => {
      const moved = { ...cookie, expires: '2031-01-01T00:00:00.000Z' };
      const after = snapshotSession('sid', {
        ...session({ a: 1, b: 2, c: 3 }),
        cookie: moved,
      } as unknown as SessionData);
      expect(dataChanged(before, after)).toBe(false);
    });
  });

  describe('parsing stored data', () => {
    it.each<[string, string, boolean]>([
      ['a session', JSON.stringify({ cookie, a: 1 }), true],
      ['not JSON', '{"cookie":', false],
      ['an array', '[1]', false],
      ['null', 'null', false],
      ['no cookie', '{"a":1}', false],
      ['a string cookie', '{"cookie":"x"}', false],
    ])('%s -> %s', (_name, text, ok) => {
      expect(parseSessionData(text) !== undefined).toBe(ok);
      expect(parseSnapshot(text) !== undefined).toBe(ok);
    });

    it('never gives __proto__ a prototype-changing meaning', () => {
      const data = parseSessionData('{"cookie":{},"__proto__":{"polluted":true}}') as unknown as Record<
        string,
        unknown
      >;
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    });
  });
});
