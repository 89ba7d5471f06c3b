import { CacheDecodeError } from '../errors/cache-decode.error.js';
import { decodePageEntry, encodePageEntry, type PageEntry } from './page-entry.js';

const base: PageEntry = {
  status: 200,
  headers: [['Content-Type', 'text/html; charset=utf-8']],
  body: Buffer.from('<h1>hi</h1>'),
  storedAt: 1_700_000_000_000,
  freshUntil: 1_700_000_060_000,
  varyNames: [],
};

describe('page entries', () => {
  it.each<[string, PageEntry]>([
    ['a plain page', base],
    ['binary bytes', { ...base, body: Buffer.from([0, 255, 1, 254, 0x53, 0x50]) }],
    ['an empty body', { ...base, body: Buffer.alloc(0) }],
    ['a page that never goes stale', { ...base, freshUntil: null }],
    [
      'repeated headers',
      {
        ...base,
        headers: [
          ['Link', ['<a>', '<b>']],
          ['ETag', '"x"'],
        ],
      },
    ],
    ['Vary names and tags', { ...base, varyNames: ['accept-language', 'cookie'], tags: { recipes: 't1' } }],
    ['non-ASCII text', { ...base, body: Buffer.from('crème brûlée'), headers: [['X-Title', 'caf\u00e9']] }],
  ])('round-trips %s', (_, entry) => {
    const decoded = decodePageEntry(encodePageEntry(entry));
    expect({ ...decoded, body: Buffer.from(decoded.body) }).toEqual(entry);
  });

  it('returns the body as a view of the stored bytes, without copying it', () => {
    const data = encodePageEntry(base);
    expect(decodePageEntry(data).body.buffer).toBe(data.buffer);
  });

  it.each<[string, Buffer]>([
    ['empty bytes', Buffer.alloc(0)],
    ["a Stash entry (another format's magic)", Buffer.from([0x01, 0x00, 0x04, 0x6a, 0x73, 0x6f, 0x6e])],
    ['a raw integer', Buffer.from('42')],
    ['a truncated page', encodePageEntry(base).subarray(0, 12)],
    ['corrupt metadata', Buffer.concat([Buffer.from([0x53, 0x50, 0x01, 0, 0, 0, 3]), Buffer.from('{x}')])],
    ['incomplete metadata', Buffer.concat([Buffer.from([0x53, 0x50, 0x01, 0, 0, 0, 2]), Buffer.from('{}')])],
  ])('refuses %s with CacheDecodeError', (_, data) => {
    expect(() => decodePageEntry(data)).toThrow(CacheDecodeError);
  });
});
