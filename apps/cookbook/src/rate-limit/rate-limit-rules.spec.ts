import { apiWriteTracker, loginTracker } from './rate-limit-rules.js';

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
