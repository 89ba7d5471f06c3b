import { readMeta, writeMeta } from './session-meta.js';

describe('session metadata', () => {
  it.each<[string, unknown, unknown]>([
    ['none', {}, undefined],
    ['not an object', { _stash: 'x' }, undefined],
    ['an array', { _stash: [] }, undefined],
    [
      'every field',
      { _stash: { userId: '1', createdAt: 5, userAgent: 'ua', expiry: 60 } },
      { userId: '1', createdAt: 5, userAgent: 'ua', expiry: 60 },
    ],
    ['wrong types dropped', { _stash: { userId: 1, createdAt: 'x', userAgent: 2, expiry: {} } }, {}],
    ['a date expiry', { _stash: { expiry: '2030-01-01T00:00:00.000Z' } }, { expiry: '2030-01-01T00:00:00.000Z' }],
  ])('readMeta of %s', (_name, data, expected) => {
    expect(readMeta(data as object)).toEqual(expected);
  });

  it('writeMeta drops undefined fields and removes an empty record', () => {
    const session: Record<string, unknown> = {};
    writeMeta(session, { userId: '1', expiry: undefined });
    expect(session).toEqual({ _stash: { userId: '1' } });
    writeMeta(session, {});
    expect(session).toEqual({});
  });
});
