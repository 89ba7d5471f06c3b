import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';

const read = (name: string) => readFileSync(new URL(`./${name}.lua`, import.meta.url), 'utf8');
const INDEX = read('index');

// The scripts as client methods: ioredis runs them with EVALSHA and falls back to EVAL on NOSCRIPT.
export interface SessionScripts {
  // `numberOfKeys` is 1, or 3 with the user index keys. See save.lua.
  stashSessionSave(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<number>;
  // `numberOfKeys` is 1, or 3 with the user index keys. See touch.lua.
  stashSessionTouch(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<number>;
  stashSessionList(expiryKey: string, seenKey: string, now: number): Promise<[string[], string[]]>;
  // Cluster only. See index-add.lua.
  stashSessionIndexAdd(
    expiryKey: string,
    seenKey: string,
    sid: string,
    expiresAt: number,
    now: number,
  ): Promise<number>;
  // Cluster only. See index-seen.lua.
  stashSessionIndexSeen(expiryKey: string, seenKey: string, sid: string, now: number): Promise<number>;
}

// A client that can run the session scripts.
export type SessionRedis = (Redis | Cluster) & SessionScripts;

// Defines the session scripts on a client once (loaded from the `.lua` files beside this one).
export function withSessionScripts(client: Redis | Cluster): SessionRedis {
  const scripted = client as SessionRedis;
  if (typeof scripted.stashSessionSave !== 'function') {
    // Variadic commands take the number of keys as their first argument.
    client.defineCommand('stashSessionSave', { lua: `${INDEX}\n${read('save')}` });
    client.defineCommand('stashSessionTouch', { lua: `${INDEX}\n${read('touch')}` });
    client.defineCommand('stashSessionList', { numberOfKeys: 2, lua: `${INDEX}\n${read('list')}` });
    client.defineCommand('stashSessionIndexAdd', { numberOfKeys: 2, lua: `${INDEX}\n${read('index-add')}` });
    client.defineCommand('stashSessionIndexSeen', { numberOfKeys: 2, lua: `${INDEX}\n${read('index-seen')}` });
  }
  return scripted;
}
