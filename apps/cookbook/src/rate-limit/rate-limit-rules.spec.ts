import { apiWriteTracker, loginTracker, throttledRequest } from './rate-limit-rules.js';

describe('throttledRequest', () => {
  it.each([
    ['POST', '/login', 'login'],
    ['POST', '/api/login', 'login'],
    ['POST', '/API/Login/', 'login'],
    ['POST', '/api/login//', 'login'],
    ['GET', '/login', undefined],
    ['POST', '/api/logout', undefined],
    ['POST', '/logout', undefined],
    ['POST', '/api/recipes', 'api-write'],
    ['PATCH', '/api/recipes/:id', 'api-write'],
    ['put', '/api/foods/:id', 'api-write'],
    ['DELETE', '/api/recipes/:id/favorite', 'api-write'],
    ['GET', '/api/recipes', undefined],
    ['HEAD', '/api/popular', undefined],
    ['POST', '/cookbook/recipes', undefined],
    ['POST', '/apiary', undefined],
    ['GET', '/cookbook/', undefined],
  ])('%s %s → %s', (method, path, expected) => {
    expect(throttledRequest(method, path)).toBe(expected);
  });
});

describe('loginTracker', () => {
  it.each([
    ['127.0.0.1', { username: 'alice' }, 'login:127.0.0.1:alice'],
    ['127.0.0.1', { username: ' Alice ' }, 'login:127.0.0.1:alice'],
    ['::1', { username: 'ALICE' }, 'login:::1:alice'],
    ['127.0.0.1', { username: ['alice'] }, 'login:127.0.0.1:'],
    ['127.0.0.1', undefined, 'login:127.0.0.1:'],
    [undefined, { username: 'bob' }, 'login:unknown:bob'],
  ])('client %j with body %j → %j', (ip, body, expected) => {
    expect(loginTracker(ip, body)).toBe(expected);
  });
});

describe('apiWriteTracker', () => {
  it.each([
    ['127.0.0.1', '7', 'user:7'],
    ['10.0.0.1', '7', 'user:7'],
    ['127.0.0.1', undefined, 'ip:127.0.0.1'],
  ])('client %j, user %j → %j', (ip, userId, expected) => {
    expect(apiWriteTracker(ip, userId)).toBe(expected);
  });
});
