import { DEFAULT_NEXT_PATH, safeNextPath } from './next-path.js';

describe('safeNextPath', () => {
  it.each([
    ['/cookbook/', '/cookbook/'],
    ['/cookbook/recipes/7?tab=x#top', '/cookbook/recipes/7?tab=x#top'],
    ['/', '/'],
    [undefined, DEFAULT_NEXT_PATH],
    ['', DEFAULT_NEXT_PATH],
    [42, DEFAULT_NEXT_PATH],
    [['/cookbook/'], DEFAULT_NEXT_PATH],
    ['//evil.example/', DEFAULT_NEXT_PATH],
    ['/\\evil.example/', DEFAULT_NEXT_PATH],
    ['/ok\\..\\x', DEFAULT_NEXT_PATH],
    ['https://evil.example/', DEFAULT_NEXT_PATH],
    ['javascript:alert(1)', DEFAULT_NEXT_PATH],
    ['cookbook/', DEFAULT_NEXT_PATH],
    ['/a b', DEFAULT_NEXT_PATH],
    ['/a\r\nSet-Cookie: x=1', DEFAULT_NEXT_PATH],
    ['/a\tb', DEFAULT_NEXT_PATH],
    [`/${'a'.repeat(2_000)}`, DEFAULT_NEXT_PATH],
  ])('%j → %j', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});
