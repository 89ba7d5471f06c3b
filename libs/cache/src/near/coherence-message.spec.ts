import {
  decodeCoherenceMessage,
  encodeCoherenceMessage,
  MAX_NAMES_PER_MESSAGE,
  type CoherenceMessage,
} from './coherence-message.js';

const many = Array.from({ length: MAX_NAMES_PER_MESSAGE + 1 }, (_, i) => `k${i}`);

describe('coherence messages', () => {
  it.each<[CoherenceMessage, CoherenceMessage]>([
    [
      { from: 'a', kind: 'keys', keys: ['p:1:x', 'p:1:"y"'] },
      { from: 'a', kind: 'keys', keys: ['p:1:x', 'p:1:"y"'] },
    ],
    [
      { from: 'a', kind: 'tags', tags: ['red'] },
      { from: 'a', kind: 'tags', tags: ['red'] },
    ],
    [
      { from: 'a', kind: 'all' },
      { from: 'a', kind: 'all' },
    ],
    [
      { from: 'a', kind: 'ping', sentAt: 12.5, seq: 3 },
      { from: 'a', kind: 'ping', sentAt: 12.5, seq: 3 },
    ],
    [
      { from: 'a', kind: 'keys', keys: many },
      { from: 'a', kind: 'all' },
    ],
    [
      { from: 'a', kind: 'tags', tags: many },
      { from: 'a', kind: 'all' },
    ],
  ])('round-trips %j as %j', (message, expected) => {
    expect(decodeCoherenceMessage(encodeCoherenceMessage(message))).toEqual(expected);
  });

  it.each(['', 'not json', '42', 'null', '{"k":[1]}', '{"f":"a"}', '{"t":"red"}', '{"f":"a","s":1}'])(
    'reads %j as "all"',
    (text) => {
      expect(decodeCoherenceMessage(text).kind).toBe('all');
    },
  );
});
