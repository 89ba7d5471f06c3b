import { jest } from '@jest/globals';
import {
  CacheArgumentError,
  CacheKeyArgumentError,
  CacheTtlError,
  createCache,
  fragmentKey,
  registerLiquidCacheTag,
  type CacheService,
} from '@stash/cache';
import { Liquid } from 'liquidjs';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';

const silentLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };

class User {
  constructor(readonly id: number) {}
}

/** A Liquid engine with the cache tag, and filters that count (and on demand fail) renders of a fragment body. */
function engine(cache: CacheService) {
  const liquid = new Liquid();
  registerLiquidCacheTag(liquid, cache);
  const state = { renders: 0, fail: false };
  liquid.registerFilter('counted', (value: unknown) => {
    state.renders++;
    return value;
  });
  liquid.registerFilter('explode', (value: unknown) => {
    if (state.fail) throw new Error('database down');
    return value;
  });
  return { liquid, state };
}

describe('fragment caching', () => {
  const caches: CacheService[] = [];

  async function cache(label: string): Promise<CacheService> {
    const created = createCache({ url: testRedisUrl(), keyPrefix: uniquePrefix(label) }, silentLogger);
    caches.push(created);
    await created.ready();
    return created;
  }

  afterEach(async () => {
    await Promise.all(caches.map((c) => c.clear()));
    await Promise.all(caches.splice(0).map((c) => c.close()));
  });

  describe('CacheService.fragment', () => {
    it('renders on a miss, then returns the stored text without rendering', async () => {
      const stash = await cache('fragment');
      const render = jest.fn(async () => '<aside>jane</aside>');
      expect(await stash.fragment('sidebar', ['jane'], 60, render)).toBe('<aside>jane</aside>');
      expect(await stash.fragment('sidebar', ['jane'], 60, render)).toBe('<aside>jane</aside>');
      expect(render).toHaveBeenCalledTimes(1);
      expect(await stash.get(fragmentKey('sidebar', ['jane']))).toBe('<aside>jane</aside>');
    });

    it('stores each vary-on combination apart, and keeps value boundaries', async () => {
      const stash = await cache('fragment-vary');
      expect(await stash.fragment('sidebar', ['a:b'], 60, () => 'one')).toBe('one');
      expect(await stash.fragment('sidebar', ['a', 'b'], 60, () => 'two')).toBe('two');
      expect(await stash.fragment('sidebar', ['a:b'], 60, () => 'three')).toBe('one');
      expect(await stash.fragment('sidebar', [42], 60, () => 'number')).toBe('number');
      expect(await stash.fragment('sidebar', ['42'], 60, () => 'text')).toBe('number');
    });

    it('renders once for 50 concurrent misses', async () => {
      const stash = await cache('fragment-flight');
      const render = jest.fn(async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return 'cold';
      });
      const texts = await Promise.all(Array.from({ length: 50 }, () => stash.fragment('hot', [], 60, render)));
      expect(render).toHaveBeenCalledTimes(1);
      expect(new Set(texts)).toEqual(new Set(['cold']));
    });

    it('reads ttl in seconds: null never expires, undefined is the default, 0 stores nothing', async () => {
      const stash = await cache('fragment-ttl');
      await stash.fragment('forever', [], null, () => 'x');
      await stash.fragment('default', [], undefined, () => 'x');
      await stash.fragment('timed', [], 500, () => 'x');
      await stash.fragment('none', [], 0, () => 'x');
      expect(await stash.ttl(fragmentKey('forever'))).toBeNull();
      expect(await stash.ttl(fragmentKey('default'))).toBeGreaterThan(290);
      expect(await stash.ttl(fragmentKey('timed'))).toBeGreaterThan(490);
      expect(await stash.has(fragmentKey('none'))).toBe(false);
    });

    it('invalidateFragment deletes one fragment, so it renders again', async () => {
      const stash = await cache('fragment-invalidate');
      const render = jest.fn(() => 'text');
      await stash.fragment('sidebar', [1], 60, render);
      await stash.fragment('sidebar', [2], 60, render);
      expect(await stash.invalidateFragment('sidebar', [1])).toBe(true);
      expect(await stash.invalidateFragment('sidebar', [1])).toBe(false);
      await stash.fragment('sidebar', [1], 60, render);
      await stash.fragment('sidebar', [2], 60, render);
      expect(render).toHaveBeenCalledTimes(3);
    });

    it('drops fragments with their tags', async () => {
      const stash = await cache('fragment-tags');
      const render = jest.fn(() => 'text');
      await stash.fragment('recipe-card', [7], 60, render, { tags: ['recipe:7'] });
      await stash.invalidateTags(['recipe:7']);
      await stash.fragment('recipe-card', [7], 60, render, { tags: ['recipe:7'] });
      expect(render).toHaveBeenCalledTimes(2);
    });

    it('does not cache a render error', async () => {
      const stash = await cache('fragment-error');
      await expect(
        stash.fragment('sidebar', [], 60, () => {
          throw new Error('database down');
        }),
      ).rejects.toThrow('database down');
      expect(await stash.fragment('sidebar', [], 60, () => 'recovered')).toBe('recovered');
    });

    it.each<[string, unknown[], unknown, unknown, new (...args: never[]) => Error]>([
      ['a vary-on value that is a function', [() => 1], 60, () => 'x', CacheKeyArgumentError],
      ['a vary-on value that is a class instance', [new User(1)], 60, () => 'x', CacheKeyArgumentError],
      ['a negative ttl', [], -1, () => 'x', CacheTtlError],
      ['a render that is not a function', [], 60, 'x', CacheArgumentError],
      ['a render that returns no string', [], 60, () => 42, CacheArgumentError],
    ])('rejects %s and stores nothing', async (_, varyOn, ttl, render, type) => {
      const stash = await cache('fragment-bad');
      await expect(stash.fragment('bad', varyOn, ttl as number, render as () => string)).rejects.toBeInstanceOf(type);
      expect(await stash.has(fragmentKey('bad'))).toBe(false);
    });
  });

  describe('the Liquid {% cache %} tag', () => {
    const SIDEBAR = '{% cache 500 "sidebar" user.id %}<aside>{{ user.name | counted }}</aside>{% endcache %}';

    it('renders the body once across repeated renders', async () => {
      const stash = await cache('liquid');
      const { liquid, state } = engine(stash);
      const template = liquid.parse(`<main>{{ title }}</main>${SIDEBAR}`);
      const first = await liquid.render(template, { title: 'One', user: { id: 1, name: 'Jane' } });
      const second = await liquid.render(template, { title: 'Two', user: { id: 1, name: 'Renamed' } });
      expect(first).toBe('<main>One</main><aside>Jane</aside>');
      expect(second).toBe('<main>Two</main><aside>Jane</aside>');
      expect(state.renders).toBe(1);
      expect(await stash.get(fragmentKey('sidebar', [1]))).toBe('<aside>Jane</aside>');
      expect(await stash.ttl(fragmentKey('sidebar', [1]))).toBeGreaterThan(490);
    });

    it('stores one entry per vary-on value', async () => {
      const stash = await cache('liquid-vary');
      const { liquid, state } = engine(stash);
      expect(await liquid.parseAndRender(SIDEBAR, { user: { id: 1, name: 'Jane' } })).toBe('<aside>Jane</aside>');
      expect(await liquid.parseAndRender(SIDEBAR, { user: { id: 2, name: 'John' } })).toBe('<aside>John</aside>');
      expect(await liquid.parseAndRender(SIDEBAR, { user: { id: 1, name: 'X' } })).toBe('<aside>Jane</aside>');
      expect(state.renders).toBe(2);
    });

    it('renders again after invalidateFragment', async () => {
      const stash = await cache('liquid-invalidate');
      const { liquid, state } = engine(stash);
      await liquid.parseAndRender(SIDEBAR, { user: { id: 1, name: 'Jane' } });
      expect(await stash.invalidateFragment('sidebar', [1])).toBe(true);
      expect(await liquid.parseAndRender(SIDEBAR, { user: { id: 1, name: 'Janet' } })).toBe('<aside>Janet</aside>');
      expect(state.renders).toBe(2);
    });

    it('does not cache a body whose render failed', async () => {
      const stash = await cache('liquid-error');
      const { liquid, state } = engine(stash);
      const template = '{% cache 60 "menu" %}<nav>{{ "menu" | explode | counted }}</nav>{% endcache %}';
      state.fail = true;
      await expect(liquid.parseAndRender(template)).rejects.toThrow(/database down/);
      expect(await stash.has(fragmentKey('menu'))).toBe(false);
      state.fail = false;
      expect(await liquid.parseAndRender(template)).toBe('<nav>menu</nav>');
      expect(await liquid.parseAndRender(template)).toBe('<nav>menu</nav>');
      expect(state.renders).toBe(1);
    });

    it('renders a cold fragment once for concurrent renders', async () => {
      const stash = await cache('liquid-flight');
      const { liquid, state } = engine(stash);
      const template = liquid.parse(SIDEBAR);
      const pages = await Promise.all(
        Array.from({ length: 30 }, () => liquid.render(template, { user: { id: 9, name: 'Ann' } })),
      );
      expect(new Set(pages)).toEqual(new Set(['<aside>Ann</aside>']));
      expect(state.renders).toBe(1);
    });

    it.each<[string, string, Record<string, unknown>, number | null]>([
      ['nil never expires', '{% cache nil "f" %}x{% endcache %}', {}, null],
      ['null never expires', '{% cache null "f" %}x{% endcache %}', {}, null],
      ['a variable gives the seconds', '{% cache ttl "f" %}x{% endcache %}', { ttl: 120 }, 120],
      ['a numeric string gives the seconds', '{% cache ttl "f" %}x{% endcache %}', { ttl: '120' }, 120],
      ['a bare word names the fragment, as in Django', '{% cache 120 f %}x{% endcache %}', {}, 120],
    ])('reads the arguments: %s', async (_, template, context, ttl) => {
      const stash = await cache('liquid-args');
      const { liquid } = engine(stash);
      expect(await liquid.parseAndRender(template, context)).toBe('x');
      const stored = await stash.ttl(fragmentKey('f'));
      if (ttl === null) expect(stored).toBeNull();
      else expect(stored).toBeGreaterThan(ttl - 10);
    });

    it.each<[string, string, Record<string, unknown>, RegExp]>([
      ['a missing TTL variable', '{% cache missing "f" %}x{% endcache %}', {}, /invalid ttl undefined/],
      ['a negative TTL', '{% cache -5 "f" %}x{% endcache %}', {}, /Invalid TTL -5/],
      ['a vary-on object of a class', '{% cache 60 "f" user %}x{% endcache %}', { user: new User(1) }, /is a User/],
    ])('fails the render without rendering the body for %s', async (_, template, context, message) => {
      const stash = await cache('liquid-bad');
      const { liquid, state } = engine(stash);
      await expect(liquid.parseAndRender(template.replace('x', '{{ 1 | counted }}'), context)).rejects.toThrow(message);
      expect(state.renders).toBe(0);
    });

    it.each<[string, string]>([
      ['no TTL', '{% cache %}x{% endcache %}'],
      ['no name', '{% cache 60 %}x{% endcache %}'],
      ['no end tag', '{% cache 60 "f" %}x'],
    ])('refuses a tag with %s when the template is parsed', async (_, template) => {
      const { liquid } = engine(await cache('liquid-parse'));
      expect(() => liquid.parse(template)).toThrow();
    });

    it('refuses synchronous rendering', async () => {
      const { liquid } = engine(await cache('liquid-sync'));
      expect(() => liquid.parseAndRenderSync('{% cache 60 "f" %}x{% endcache %}')).toThrow(/asynchronous rendering/);
    });

    it('can be registered under another name for another cache', async () => {
      const [main, other] = [await cache('liquid-main'), await cache('liquid-other')];
      const liquid = new Liquid();
      registerLiquidCacheTag(liquid, main);
      registerLiquidCacheTag(liquid, other, { tagName: 'cache_other' });
      await liquid.parseAndRender(
        '{% cache 60 "a" %}main{% endcache %}{% cache_other 60 "a" %}other{% endcache_other %}',
      );
      expect(await main.get(fragmentKey('a'))).toBe('main');
      expect(await other.get(fragmentKey('a'))).toBe('other');
      expect(() => registerLiquidCacheTag(liquid, main, { tagName: 'no spaces' })).toThrow(CacheArgumentError);
    });
  });
});
