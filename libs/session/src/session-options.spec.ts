import { Redis } from 'ioredis';
import { SessionConfigError } from './errors/session-config.error.js';
import type { SessionModuleOptions } from './session-options.interface.js';
import { resolveSessionOptions, SESSION_DEFAULTS } from './session-options.js';

const SECRET = 'x'.repeat(32);
const client = new Redis({ lazyConnect: true });

describe('resolveSessionOptions', () => {
  afterAll(() => client.disconnect());

  describe('with only a secret', () => {
    it('applies every default and freezes the result', () => {
      const resolved = resolveSessionOptions({ secret: SECRET });
      expect(resolved).toEqual({
        secrets: [SECRET],
        connection: { kind: 'url', url: 'redis://127.0.0.1:6379', redis: undefined, db: undefined },
        prefix: 'session:',
        ttl: 1_209_600,
        rolling: false,
        saveEveryRequest: false,
        expireAtBrowserClose: false,
        cookie: { name: 'sessionid', domain: undefined, path: '/', secure: 'auto', httpOnly: true, sameSite: 'lax' },
      });
      expect(Object.isFrozen(resolved)).toBe(true);
      expect(Object.isFrozen(resolved.cookie)).toBe(true);
      expect(Object.isFrozen(resolved.secrets)).toBe(true);
      expect(SESSION_DEFAULTS.ttl).toBe(14 * 24 * 3600);
    });
  });

  describe('when options are valid', () => {
    it.each<[string, Partial<SessionModuleOptions>, (r: ReturnType<typeof resolveSessionOptions>) => unknown, unknown]>(
      [
        [
          'a secret array keeps its order',
          { secret: [SECRET, 'y'.repeat(40)] },
          (r) => r.secrets,
          [SECRET, 'y'.repeat(40)],
        ],
        [
          'url with a db',
          { url: 'redis://h:6380/2' },
          (r) => r.connection,
          { kind: 'url', url: 'redis://h:6380/2', redis: undefined, db: undefined },
        ],
        [
          'a url whose db matches db',
          { url: 'redis://h/2', db: 2 },
          (r) => r.connection,
          { kind: 'url', url: 'redis://h/2', redis: undefined, db: 2 },
        ],
        [
          'rediss url and db',
          { url: 'rediss://u:p@h:6380', db: 2 },
          (r) => r.connection,
          { kind: 'url', url: 'rediss://u:p@h:6380', redis: undefined, db: 2 },
        ],
        ['a client', { client }, (r) => r.connection, { kind: 'client', client }],
        [
          'a cache connection',
          { cache: 'sessions', db: 3 },
          (r) => r.connection,
          { kind: 'cache', cache: 'sessions', redis: undefined, db: 3 },
        ],
        ['a custom prefix', { prefix: 'app:sess:' }, (r) => r.prefix, 'app:sess:'],
        ['ttl in seconds', { ttl: 60 }, (r) => r.ttl, 60],
        ['rolling', { rolling: true }, (r) => r.rolling, true],
        ['saveEveryRequest', { saveEveryRequest: true }, (r) => r.saveEveryRequest, true],
        ['expireAtBrowserClose', { expireAtBrowserClose: true }, (r) => r.expireAtBrowserClose, true],
        [
          'every cookie attribute',
          {
            cookie: {
              name: '__Host-sid',
              domain: '.example.com',
              path: '/app',
              secure: true,
              httpOnly: false,
              sameSite: 'none',
            },
          },
          (r) => r.cookie,
          { name: '__Host-sid', domain: '.example.com', path: '/app', secure: true, httpOnly: false, sameSite: 'none' },
        ],
        ['sameSite false', { cookie: { sameSite: false } }, (r) => r.cookie.sameSite, false],
      ],
    )('%s', (_name, options, pick, expected) => {
      expect(pick(resolveSessionOptions({ secret: SECRET, ...options }))).toEqual(expected);
    });
  });

  describe('when an option is wrong, it throws SessionConfigError naming it', () => {
    it.each<[string, unknown, string]>([
      ['no options', undefined, '(options)'],
      ['no secret', {}, 'secret'],
      ['a short secret', { secret: 'too-short' }, 'secret'],
      ['an empty secret array', { secret: [] }, 'secret'],
      ['a short secret in the array', { secret: [SECRET, 'short'] }, 'secret[1]'],
      ['a non-string secret', { secret: 42 }, 'secret'],
      ['an unknown option', { secret: SECRET, resave: true }, 'resave'],
      ['an unknown cookie option', { secret: SECRET, cookie: { maxAge: 1 } }, 'cookie.maxAge'],
      ['a non-object cookie', { secret: SECRET, cookie: 'x' }, 'cookie'],
      ['ttl 0', { secret: SECRET, ttl: 0 }, 'ttl'],
      ['a negative ttl', { secret: SECRET, ttl: -1 }, 'ttl'],
      ['a fractional ttl', { secret: SECRET, ttl: 1.5 }, 'ttl'],
      ['ttl as a string', { secret: SECRET, ttl: '60' }, 'ttl'],
      ['a prefix without a trailing colon', { secret: SECRET, prefix: 'session' }, 'prefix'],
      ['a prefix with a glob character', { secret: SECRET, prefix: 'sess*:' }, 'prefix'],
      ['a prefix with a space', { secret: SECRET, prefix: 'my session:' }, 'prefix'],
      ['a bad url', { secret: SECRET, url: 'http://localhost' }, 'url'],
      ['url and client', { secret: SECRET, url: 'redis://h', client }, 'client'],
      ['client and cache', { secret: SECRET, client, cache: 'default' }, 'cache'],
      ['client and db', { secret: SECRET, client, db: 1 }, 'db'],
      ['client and redis options', { secret: SECRET, client, redis: { db: 1 } }, 'redis'],
      ['an object that is not a client', { secret: SECRET, client: {} }, 'client'],
      ['an empty cache name', { secret: SECRET, cache: '' }, 'cache'],
      ['a negative db', { secret: SECRET, db: -1 }, 'db'],
      ['a db that contradicts the URL', { secret: SECRET, url: 'redis://h/1', db: 2 }, 'db'],
      ['a fractional db', { secret: SECRET, db: 1.5 }, 'db'],
      ['redis options that are not an object', { secret: SECRET, redis: 'x' }, 'redis'],
      ['rolling as a string', { secret: SECRET, rolling: 'yes' }, 'rolling'],
      ['saveEveryRequest as a number', { secret: SECRET, saveEveryRequest: 1 }, 'saveEveryRequest'],
      ['a cookie name with a space', { secret: SECRET, cookie: { name: 'my sid' } }, 'cookie.name'],
      ['an empty cookie name', { secret: SECRET, cookie: { name: '' } }, 'cookie.name'],
      ['a relative cookie path', { secret: SECRET, cookie: { path: 'app' } }, 'cookie.path'],
      ['a cookie path with ;', { secret: SECRET, cookie: { path: '/a;b' } }, 'cookie.path'],
      ['a bad domain', { secret: SECRET, cookie: { domain: 'exa mple.com' } }, 'cookie.domain'],
      ['secure as a string', { secret: SECRET, cookie: { secure: 'yes' } }, 'cookie.secure'],
      ['an unknown sameSite', { secret: SECRET, cookie: { sameSite: 'loose' } }, 'cookie.sameSite'],
      ['sameSite none without secure', { secret: SECRET, cookie: { sameSite: 'none' } }, 'cookie.secure'],
      ['httpOnly as a string', { secret: SECRET, cookie: { httpOnly: 'true' } }, 'cookie.httpOnly'],
    ])('%s', (_name, options, option) => {
      let error: unknown;
      try {
        resolveSessionOptions(options as SessionModuleOptions);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(SessionConfigError);
      expect((error as SessionConfigError).option).toBe(option);
      expect((error as Error).message).toContain(`"${option}"`);
    });

    it('never echoes a secret into the message', () => {
      const secret = 'hunter2-is-my-password';
      expect(() => resolveSessionOptions({ secret })).toThrow(`got a string of ${secret.length} characters`);
      expect(() => resolveSessionOptions({ secret })).not.toThrow(secret);
    });
  });
});
