import { DEFAULT_RATE_LIMITS, rateLimitsFromEnv } from './rate-limit-config.js';

describe('rateLimitsFromEnv', () => {
  it.each([
    [{}, DEFAULT_RATE_LIMITS],
    [{ LOGIN_RATE_LIMIT: '', API_WRITE_RATE_LIMIT: '' }, DEFAULT_RATE_LIMITS],
    [{ LOGIN_RATE_LIMIT: '10' }, { login: 10, apiWrite: 60 }],
    [{ API_WRITE_RATE_LIMIT: '1000000' }, { login: 5, apiWrite: 1_000_000 }],
  ])('%j → %j', (env, expected) => {
    expect(rateLimitsFromEnv(env)).toEqual(expected);
  });

  it.each([
    ['LOGIN_RATE_LIMIT', '0'],
    ['LOGIN_RATE_LIMIT', '-1'],
    ['LOGIN_RATE_LIMIT', '1.5'],
    ['LOGIN_RATE_LIMIT', '5 '],
    ['API_WRITE_RATE_LIMIT', 'many'],
    ['API_WRITE_RATE_LIMIT', '1000001'],
    ['API_WRITE_RATE_LIMIT', '1e3'],
  ])('refuses %s=%j, naming the variable', (name, value) => {
    expect(() => rateLimitsFromEnv({ [name]: value })).toThrow(`${name}=${JSON.stringify(value)} is not accepted`);
  });
});
