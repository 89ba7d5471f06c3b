import { Cluster, Redis } from 'ioredis';
import { SessionConfigError } from '../errors/session-config.error.js';
import { SessionKeys } from '../keys/session-keys.js';
import { SessionArgumentError } from '../errors/session-argument.error.js';
import type { SessionModuleOptions } from '../session-options.interface.js';
import { resolveSessionOptions } from '../session-options.js';

const SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const node = { host: '127.0.0.1', port: 7000 };
const sentinel = { host: '127.0.0.1', port: 26379 };
const cluster = new Cluster([node], { lazyConnect: true });
const replica = new Redis({ lazyConnect: true, role: 'slave' });

describe('SessionModule connection options', () => {
  afterAll(() => {
    cluster.disconnect();
    replica.disconnect();
  });

  describe('accepts', () => {
    it.each<[string, Partial<SessionModuleOptions>, unknown]>([
      [
        'a cluster',
        { cluster: { nodes: [node], options: { maxRedirections: 2 } }, redis: { password: 'pw' } },
        { kind: 'cluster', nodes: [node], options: { maxRedirections: 2 }, redis: { password: 'pw' } },
      ],
      [
        'sentinels and a name, with a db',
        { sentinels: [sentinel], name: 'main', db: 2 },
        { kind: 'sentinel', sentinels: [sentinel], name: 'main', redis: undefined, db: 2 },
      ],
      [
        "sentinels with role 'master'",
        { sentinels: [sentinel], name: 'main', role: 'master' },
        { kind: 'sentinel', sentinels: [sentinel], name: 'main', redis: undefined, db: undefined },
      ],
      ['a Cluster client', { client: cluster }, { kind: 'client', client: cluster }],
    ])('%s', (_name, options, connection) => {
      expect(resolveSessionOptions({ secret: SECRET, ...options }).connection).toEqual(connection);
    });
  });

  describe('refuses with SessionConfigError naming the option', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['a cluster without nodes', { cluster: {} }, 'cluster.nodes'],
      ['a cluster with no nodes', { cluster: { nodes: [] } }, 'cluster.nodes'],
      ['a cluster node without a port', { cluster: { nodes: [node, { host: 'h' }] } }, 'cluster.nodes[1]'],
      ['a cluster node with a bad port', { cluster: { nodes: [{ host: 'h', port: 70000 }] } }, 'cluster.nodes[0]'],
      ['an unknown cluster key', { cluster: { nodes: [node], slots: 3 } }, 'cluster.slots'],
      ['cluster options that are not an object', { cluster: { nodes: [node], options: 1 } }, 'cluster.options'],
      ['a cluster that is not an object', { cluster: [node] }, 'cluster'],
      ['both url and cluster', { url: 'redis://h', cluster: { nodes: [node] } }, 'cluster'],
      ['both cluster and sentinels', { cluster: { nodes: [node] }, sentinels: [sentinel], name: 'm' }, 'sentinels'],
      ['both cache and cluster', { cache: 'default', cluster: { nodes: [node] } }, 'cluster'],
      ['a db with a cluster', { cluster: { nodes: [node] }, db: 1 }, 'db'],
      ['sentinels without name', { sentinels: [sentinel] }, 'name'],
      ['sentinels with an empty name', { sentinels: [sentinel], name: '' }, 'name'],
      ['no sentinels', { sentinels: [], name: 'main' }, 'sentinels'],
      ['a sentinel without a host', { sentinels: [{ port: 1 }], name: 'main' }, 'sentinels[0]'],
      ["role 'slave'", { sentinels: [sentinel], name: 'main', role: 'slave' }, 'role'],
      [
        "role 'slave' in the ioredis options",
        { sentinels: [sentinel], name: 'main', redis: { role: 'slave' } },
        'redis.role',
      ],
      ['a name without sentinels', { name: 'main' }, 'name'],
      ['a role without sentinels', { url: 'redis://h', role: 'master' }, 'role'],
      ['a client connected to a replica', { client: replica }, 'client.options.role'],
    ])('%s', (_name, options, option) => {
      let error: unknown;
      try {
        resolveSessionOptions({ secret: SECRET, ...options } as SessionModuleOptions);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(SessionConfigError);
      expect((error as SessionConfigError).option).toBe(option);
      expect((error as Error).message).toContain(`"${option}"`);
    });
  });
});

describe('SessionKeys on a cluster', () => {
  it('hash-tags the index by user id, and leaves session keys as connect-redis lays them out', () => {
    const keys = new SessionKeys('session:', true);
    expect(keys.session('abc')).toBe('session:abc');
    expect(keys.userIndex('42')).toEqual({ expiry: 'session~user:{42}', seen: 'session~seen:{42}' });
  });

  it('refuses a prefix with a brace, which would take over the hash tag', () => {
    expect(() => new SessionKeys('s{x}:', true)).toThrow(SessionConfigError);
    expect(() => new SessionKeys('s{x}:', false)).not.toThrow();
  });

  it('refuses a user id that would make an empty hash tag', () => {
    expect(() => new SessionKeys('session:', true).userIndex('}x')).toThrow(SessionArgumentError);
  });
});
