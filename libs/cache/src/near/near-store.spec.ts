import { jest } from '@jest/globals';
import { CoherenceChannel } from './coherence-channel.js';
import { NearStore } from './near-store.js';

const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };

// Without a transport the channel is live and delivers publishes to its local stores only: no I/O.
function localStore(bounds = { maxEntries: 3, maxBytes: 100, ttlMs: 60_000 }) {
  const channel = new CoherenceChannel(
    { name: 'stash:near:t', label: 'test', heartbeatMs: 100, staleAfterMs: 200, publishTimeoutMs: 100 },
    logger,
  );
  return { channel, store: new NearStore<string>(channel, bounds) };
}

describe('NearStore', () => {
  it('evicts the least recently used entry past maxEntries', () => {
    const { store } = localStore();
    for (const key of ['a', 'b', 'c']) store.set(key, key, { bytes: 1, mark: store.mark });
    expect(store.get('a')).toBe('a');
    store.set('d', 'd', { bytes: 1, mark: store.mark });
    expect([store.get('a'), store.get('b'), store.get('c'), store.get('d')]).toEqual(['a', undefined, 'c', 'd']);
    expect(store.size).toBe(3);
  });

  it('counts key and value bytes against maxBytes, and refuses an entry larger than maxBytes', () => {
    const { store } = localStore({ maxEntries: 100, maxBytes: 100, ttlMs: 60_000 });
    expect(store.set('a', 'x', { bytes: 49, mark: store.mark })).toBe(true);
    expect(store.set('b', 'y', { bytes: 49, mark: store.mark })).toBe(true);
    expect(store.bytes).toBe(100);
    store.set('c', 'z', { bytes: 10, mark: store.mark });
    expect(store.get('a')).toBeUndefined();
    expect(store.bytes).toBe(61);
    expect(store.set('huge', 'h', { bytes: 97, mark: store.mark })).toBe(false);
    expect(store.get('huge')).toBeUndefined();
  });

  it('drops the entries of an invalidated key or tag, and everything', () => {
    const { channel, store } = localStore({ maxEntries: 10, maxBytes: 1000, ttlMs: 60_000 });
    store.set('a', 'A', { bytes: 1, tags: ['red'], mark: store.mark });
    store.set('b', 'B', { bytes: 1, tags: ['blue', 'red'], mark: store.mark });
    store.set('c', 'C', { bytes: 1, tags: ['blue'], mark: store.mark });
    void channel.publishTags(['red']);
    expect([store.get('a'), store.get('b'), store.get('c')]).toEqual([undefined, undefined, 'C']);
    void channel.publishKeys(['c']);
    expect(store.get('c')).toBeUndefined();
    store.set('d', 'D', { bytes: 1, mark: store.mark });
    void channel.publishAll();
    expect(store.get('d')).toBeUndefined();
    expect(store.bytes).toBe(0);
  });

  it.each([
    ['the key', (channel: CoherenceChannel) => channel.publishKeys(['k'])],
    ['one of its tags', (channel: CoherenceChannel) => channel.publishTags(['t2'])],
    ['everything', (channel: CoherenceChannel) => channel.publishAll()],
  ])('refuses a value read before an invalidation of %s arrived', (_, invalidate) => {
    const { channel, store } = localStore();
    const mark = store.mark;
    void invalidate(channel);
    expect(store.set('k', 'old', { bytes: 1, tags: ['t1', 't2'], mark })).toBe(false);
    expect(store.set('k', 'new', { bytes: 1, tags: ['t1', 't2'], mark: store.mark })).toBe(true);
  });

  it('accepts a value read before an invalidation of other keys and tags', () => {
    const { channel, store } = localStore();
    const mark = store.mark;
    void channel.publishKeys(['other']);
    void channel.publishTags(['t3']);
    expect(store.set('k', 'v', { bytes: 1, tags: ['t1'], mark })).toBe(true);
  });

  it('serves nothing past the entry ttl or the store ttl, whichever is shorter', () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const { store } = localStore({ maxEntries: 10, maxBytes: 1000, ttlMs: 1_000 });
      store.set('short', 's', { bytes: 1, ttlMs: 100, mark: store.mark });
      store.set('long', 'l', { bytes: 1, ttlMs: 5_000, mark: store.mark });
      jest.advanceTimersByTime(101);
      expect(store.get('short')).toBeUndefined();
      expect(store.get('long')).toBe('l');
      jest.advanceTimersByTime(900);
      expect(store.get('long')).toBeUndefined();
      expect(store.set('gone', 'g', { bytes: 1, ttlMs: 0, mark: store.mark })).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it('serves and stores nothing once its channel is closed', async () => {
    const { channel, store } = localStore();
    store.set('k', 'v', { bytes: 1, mark: store.mark });
    await channel.close();
    expect(store.get('k')).toBeUndefined();
    expect(store.set('k', 'v', { bytes: 1, mark: store.mark })).toBe(false);
  });
});
