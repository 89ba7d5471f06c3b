import { CacheKeyError } from '../errors/cache-key.error.js';
import { isConnectivityError } from './connectivity-error.js';

function error(name: string, message: string, code?: string): Error {
  return Object.assign(new Error(message), { name }, code ? { code } : {});
}

describe('isConnectivityError', () => {
  it.each<[string, unknown, boolean]>([
    ['connection refused', error('Error', 'connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'), true],
    ['connection reset', error('Error', 'read ECONNRESET', 'ECONNRESET'), true],
    ['offline queue disabled', error('Error', "Stream isn't writeable and enableOfflineQueue options is false"), true],
    ['command timeout', error('Error', 'Command timed out'), true],
    ['closed connection', error('Error', 'Connection is closed.'), true],
    ['max retries', error('MaxRetriesPerRequestError', 'Reached the max retries per request limit'), true],
    ['LOADING reply', error('ReplyError', 'LOADING Redis is loading the dataset in memory'), true],
    ['READONLY reply', error('ReplyError', "READONLY You can't write against a read only replica."), true],
    ['OOM reply', error('ReplyError', "OOM command not allowed when used memory > 'maxmemory'."), true],
    [
      'MISCONF reply',
      error('ReplyError', 'MISCONF Redis is configured to save RDB snapshots, but it is failing'),
      true,
    ],
    ['TRYAGAIN reply', error('ReplyError', 'TRYAGAIN Multiple keys request during rehashing of slot'), true],
    ['CLUSTERDOWN reply', error('ReplyError', 'CLUSTERDOWN The cluster is down'), true],
    ['cluster not ready', error('Error', "Cluster isn't ready and enableOfflineQueue options is false"), true],
    ['slots refresh failed', error('ClusterAllFailedError', 'Failed to refresh slots cache.'), true],
    [
      'redirections exhausted',
      error('Error', 'Too many Cluster redirections. Last error: ReplyError: CLUSTERDOWN The cluster is down'),
      true,
    ],
    ['no startup node', error('Error', 'None of startup nodes is available'), true],
    ['CROSSSLOT reply', error('ReplyError', "CROSSSLOT Keys in request don't hash to the same slot"), false],
    [
      'WRONGTYPE reply',
      error('ReplyError', 'WRONGTYPE Operation against a key holding the wrong kind of value'),
      false,
    ],
    ['a plain error', new Error('boom'), false],
    ['a Stash error', new CacheKeyError('', 'keys must not be empty'), false],
    ['not an error', 'ECONNREFUSED', false],
  ])('%s -> %s', (_name, value, expected) => {
    expect(isConnectivityError(value)).toBe(expected);
  });
});
