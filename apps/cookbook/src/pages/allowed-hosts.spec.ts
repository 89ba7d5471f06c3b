import { DEFAULT_ALLOWED_HOSTS, parseAllowedHosts } from './allowed-hosts.js';

describe('parseAllowedHosts', () => {
  it.each([
    [undefined, DEFAULT_ALLOWED_HOSTS],
    ['', DEFAULT_ALLOWED_HOSTS],
    ['  ', DEFAULT_ALLOWED_HOSTS],
    ['example.com', ['example.com']],
    ['localhost, .example.com ,*', ['localhost', '.example.com', '*']],
  ])('%j → %j', (value, expected) => {
    expect(parseAllowedHosts(value)).toEqual(expected);
  });

  it.each([['a,,b'], ['a b'], [',']])('refuses %j, naming the variable', (value) => {
    expect(() => parseAllowedHosts(value)).toThrow(`ALLOWED_HOSTS=${JSON.stringify(value)} is not accepted`);
  });
});
