import { createHash } from 'node:crypto';
import { CacheArgumentError } from '../errors/cache-argument.error.js';
import { CacheKeyArgumentError } from '../errors/cache-key-argument.error.js';
import { fragmentKey } from './fragment-key.js';

/** Django's make_template_fragment_key: md5 of each value followed by ":". */
function djangoKey(name: string, varyOn: string[]): string {
  return `template.cache.${name}.${createHash('md5')
    .update(varyOn.map((value) => `${value}:`).join(''))
    .digest('hex')}`;
}

describe('fragmentKey', () => {
  it('has the family template.cache.<name>.<32 hex characters>', () => {
    expect(fragmentKey('sidebar', ['jane'])).toMatch(/^template\.cache\.sidebar\.[0-9a-f]{32}$/);
    expect(fragmentKey('a.b', [])).toMatch(/^template\.cache\.a\.b\.[0-9a-f]{32}$/);
  });

  it('treats a missing vary-on list as an empty one', () => {
    expect(fragmentKey('footer')).toBe(fragmentKey('footer', []));
  });

  // Django: FragmentCacheTests / TestMakeTemplateFragmentKey, plus the collisions Django has and Stash does not.
  it.each<[string, [string, unknown[]], [string, unknown[]], boolean]>([
    ['the same name and values share a key', ['sidebar', ['jane', 1]], ['sidebar', ['jane', 1]], true],
    ['names are taken into account', ['sidebar', ['jane']], ['footer', ['jane']], false],
    ['values are taken into account', ['sidebar', ['jane']], ['sidebar', ['john']], false],
    ['order is taken into account', ['sidebar', ['a', 'b']], ['sidebar', ['b', 'a']], false],
    ['a number and its text share a key, as in Django', ['sidebar', [42]], ['sidebar', ['42']], true],
    ['value boundaries count (Django: same key)', ['sidebar', ['a:b']], ['sidebar', ['a', 'b']], false],
    ['a trailing empty value counts (Django: same key)', ['sidebar', ['a:']], ['sidebar', ['a', '']], false],
    ['no value is not "null" (Django: "None")', ['sidebar', [null]], ['sidebar', ['null']], false],
    ['no values is not one empty value', ['sidebar', []], ['sidebar', ['']], false],
  ])('%s', (_, [nameA, varyA], [nameB, varyB], same) => {
    expect(fragmentKey(nameA, varyA) === fragmentKey(nameB, varyB)).toBe(same);
  });

  it('collides where Django does not distinguish, to show what Stash fixes', () => {
    expect(djangoKey('sidebar', ['a:b'])).toBe(djangoKey('sidebar', ['a', 'b']));
  });

  it.each<[string, unknown, unknown]>([
    ['an empty name', '', []],
    ['a name that is not a string', 42, []],
    ['a vary-on list that is not an array', 'sidebar', 'jane'],
  ])('refuses %s with CacheArgumentError', (_, name, varyOn) => {
    expect(() => fragmentKey(name as string, varyOn as unknown[])).toThrow(CacheArgumentError);
  });

  it('refuses a vary-on value that cannot be keyed, naming the fragment and the index', () => {
    expect(() => fragmentKey('sidebar', ['jane', () => 1])).toThrow(CacheKeyArgumentError);
    expect(() => fragmentKey('sidebar', ['jane', () => 1])).toThrow(
      /Cannot build the cache key of fragment "sidebar": vary-on value 1 is a function/,
    );
  });
});
