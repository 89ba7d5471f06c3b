/**
 * What travels on a cache's coherence channel, each message with the id of the channel that sent it: stored keys
 * to drop, tags to drop, everything, or a heartbeat (`sentAt`: the sender's `performance.now()` when sent; `seq`:
 * its number in the sender's sequence of heartbeats, from 1).
 */
export type CoherenceMessage = { readonly from: string } & (
  | { readonly kind: 'keys'; readonly keys: readonly string[] }
  | { readonly kind: 'tags'; readonly tags: readonly string[] }
  | { readonly kind: 'all' }
  | { readonly kind: 'ping'; readonly sentAt: number; readonly seq: number }
);

/** Past this many keys or tags a message says "all" instead: one PUBLISH stays small. */
export const MAX_NAMES_PER_MESSAGE = 1_000;

/** The wire form: compact JSON (`{"f":id,"k":[...]}`, `{"f":id,"t":[...]}`, `{"f":id,"a":1}`, `{"f":id,"s":ms,"n":seq}`). */
export function encodeCoherenceMessage(message: CoherenceMessage): string {
  const f = message.from;
  switch (message.kind) {
    case 'keys':
      return message.keys.length > MAX_NAMES_PER_MESSAGE
        ? JSON.stringify({ f, a: 1 })
        : JSON.stringify({ f, k: message.keys });
    case 'tags':
      return message.tags.length > MAX_NAMES_PER_MESSAGE
        ? JSON.stringify({ f, a: 1 })
        : JSON.stringify({ f, t: message.tags });
    case 'all':
      return JSON.stringify({ f, a: 1 });
    case 'ping':
      return JSON.stringify({ f, s: message.sentAt, n: message.seq });
  }
}

/**
 * Parses a message; anything unreadable counts as "all" from an unknown sender (a peer of another version must
 * not leave entries stale).
 */
export function decodeCoherenceMessage(text: string): CoherenceMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { from: '', kind: 'all' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { from: '', kind: 'all' };
  const { f, k, t, s, n } = parsed as Record<string, unknown>;
  const from = typeof f === 'string' ? f : '';
  if (isStrings(k)) return { from, kind: 'keys', keys: k };
  if (isStrings(t)) return { from, kind: 'tags', tags: t };
  if (typeof s === 'number' && typeof n === 'number') return { from, kind: 'ping', sentAt: s, seq: n };
  return { from, kind: 'all' };
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
