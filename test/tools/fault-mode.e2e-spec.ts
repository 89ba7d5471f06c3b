import {
  assertLoopback,
  directionPolicy,
  normalizeMode,
  proxiedUrl,
  resetsConnections,
  type FaultMode,
  type FaultModeInput,
} from './fault-mode.js';

// Pure logic of the fault proxy; it lives under test/, whose only jest project is the e2e one.
describe('fault modes', () => {
  it.each<[FaultModeInput, FaultMode]>([
    ['pass', { mode: 'pass' }],
    [
      { mode: 'delay', ms: 0 },
      { mode: 'delay', ms: 0 },
    ],
    ['hold', { mode: 'hold', onHeal: 'deliver' }],
    [
      { mode: 'hold', onHeal: 'reset' },
      { mode: 'hold', onHeal: 'reset' },
    ],
    ['half-open', { mode: 'half-open', onHeal: 'deliver' }],
    ['reset', { mode: 'reset' }],
    ['refuse', { mode: 'refuse', existing: 'keep' }],
    [
      { mode: 'refuse', existing: 'reset' },
      { mode: 'refuse', existing: 'reset' },
    ],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizeMode(input)).toEqual(expected);
  });

  it.each<[string, unknown]>([
    ['an unknown name', 'drop'],
    ['delay without ms', 'delay'],
    ['a negative delay', { mode: 'delay', ms: -1 }],
    ['an infinite delay', { mode: 'delay', ms: Infinity }],
    ['an unknown onHeal', { mode: 'hold', onHeal: 'drop' }],
    ['an unknown existing', { mode: 'refuse', existing: 'drop' }],
  ])('refuses %s', (_, input) => {
    expect(() => normalizeMode(input as FaultModeInput)).toThrow(TypeError);
  });

  it.each<[FaultModeInput, string, string]>([
    ['pass', 'flow', 'flow'],
    [{ mode: 'delay', ms: 5 }, 'delay', 'delay'],
    ['hold', 'hold', 'hold'],
    ['half-open', 'flow', 'hold'],
    ['refuse', 'flow', 'flow'],
  ])('%j: to the server %s, to the client %s', (mode, toServer, toClient) => {
    const normalized = normalizeMode(mode);
    expect([directionPolicy(normalized, 'toServer').kind, directionPolicy(normalized, 'toClient').kind]).toEqual([
      toServer,
      toClient,
    ]);
  });

  it.each<[FaultModeInput, FaultModeInput, boolean]>([
    ['pass', 'reset', true],
    ['pass', { mode: 'refuse', existing: 'reset' }, true],
    ['pass', 'refuse', false],
    ['hold', 'pass', false],
    [{ mode: 'hold', onHeal: 'reset' }, 'pass', true],
    [{ mode: 'hold', onHeal: 'reset' }, 'half-open', true],
    [{ mode: 'half-open', onHeal: 'reset' }, { mode: 'delay', ms: 1 }, true],
    [{ mode: 'hold', onHeal: 'reset' }, 'hold', false],
  ])('from %j to %j resets open connections: %s', (from, to, expected) => {
    expect(resetsConnections(normalizeMode(from), normalizeMode(to))).toBe(expected);
  });

  it.each<[string, number, string]>([
    ['redis://127.0.0.1:6379', 4000, 'redis://127.0.0.1:4000'],
    ['redis://localhost:6379/2', 4000, 'redis://127.0.0.1:4000/2'],
    ['rediss://user:p%40ss@127.0.0.1:6380/1', 4000, 'rediss://user:p%40ss@127.0.0.1:4000/1'],
  ])('points %s at the proxy', (url, port, expected) => {
    expect(proxiedUrl(url, port)).toBe(expected);
  });

  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1'])('accepts the loopback target %s', (host) => {
    expect(() => assertLoopback(host)).not.toThrow();
  });

  it.each(['10.0.0.1', '192.168.1.1', '8.8.8.8', 'example.com', '0.0.0.0', ''])(
    'refuses the target %j, which is not loopback',
    (host) => {
      expect(() => assertLoopback(host)).toThrow(/not loopback/);
    },
  );
});
