import type { SessionData } from 'express-session';
import { SessionSerializationError } from '../errors/session-serialization.error.js';
import { findNonJson } from './json-value.js';

// A session as JSON, one text per top-level key. Saves compare snapshots key by key, so that a request writes only
// the keys it changed on top of what is stored now, instead of overwriting the whole session.
export type SessionSnapshot = ReadonlyMap<string, string>;

// The keys a request changed (set to a new JSON text) or removed, relative to what it loaded.
export interface SessionChanges {
  readonly set: ReadonlyMap<string, string>;
  readonly removed: readonly string[];
}

// Refuses values JSON cannot carry faithfully before any I/O, so a failed save leaves the stored session as it
// was. The `cookie` key is express-session's Cookie, serialized by its own toJSON.
export function snapshotSession(sessionId: string, session: SessionData): SessionSnapshot {
  const snapshot = new Map<string, string>();
  for (const [key, value] of Object.entries(session)) {
    if (value === undefined) continue;
    if (key !== 'cookie') {
      const problem = findNonJson(value, `session.${key}`);
      if (problem) throw new SessionSerializationError(sessionId, problem.path, problem.reason);
    }
    snapshot.set(key, JSON.stringify(value));
  }
  return snapshot;
}

// Snapshots stored session data (already JSON); undefined when it is not a session object.
export function parseSnapshot(text: string): SessionSnapshot | undefined {
  const data = parseSessionData(text);
  if (!data) return undefined;
  return new Map(Object.entries(data).map(([key, value]) => [key, JSON.stringify(value)]));
}

// Parses stored session data: a JSON object with a `cookie` object, else undefined. Never evaluates code.
export function parseSessionData(text: string): SessionData | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const cookie = (data as { cookie?: unknown }).cookie;
  if (typeof cookie !== 'object' || cookie === null || Array.isArray(cookie)) return undefined;
  return data as SessionData;
}

// The JSON text of a snapshot, byte for byte what `JSON.stringify` of the session gives.
export function serializeSnapshot(snapshot: SessionSnapshot): string {
  return `{${[...snapshot].map(([key, json]) => `${JSON.stringify(key)}:${json}`).join(',')}}`;
}

export function diffSnapshots(before: SessionSnapshot, after: SessionSnapshot): SessionChanges {
  const set = new Map<string, string>();
  for (const [key, json] of after) if (before.get(key) !== json) set.set(key, json);
  const removed = [...before.keys()].filter((key) => !after.has(key));
  return { set, removed };
}

// `stored` with `changes` applied on top: the keys this request did not touch keep their stored values.
export function applyChanges(stored: SessionSnapshot, changes: SessionChanges): SessionSnapshot {
  const merged = new Map(stored);
  for (const key of changes.removed) merged.delete(key);
  for (const [key, json] of changes.set) merged.set(key, json);
  return merged;
}

// Whether the session's data (everything but the cookie) differs between two snapshots.
export function dataChanged(before: SessionSnapshot, after: SessionSnapshot): boolean {
  const { set, removed } = diffSnapshots(before, after);
  return removed.some((key) => key !== 'cookie') || [...set.keys()].some((key) => key !== 'cookie');
}
