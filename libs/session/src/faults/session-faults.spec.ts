import { jest } from '@jest/globals';
import { CommandTimeoutError } from '@stash/cache';
import { SessionUnavailableException } from '../errors/session-unavailable.exception.js';
import { SessionFaults } from './session-faults.js';

const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };

function replyError(message: string): Error {
  const error = new Error(message);
  error.name = 'ReplyError';
  return error;
}

describe('SessionFaults', () => {
  describe('translate', () => {
    it.each<[string, '503' | 'rethrown', Error]>([
      ["the session's own command timeout (CommandTimeoutError)", '503', new CommandTimeoutError(200)],
      ["ioredis's commandTimeout", '503', new Error('Command timed out')],
      ['a refused connection', '503', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
      ['a LOADING reply', '503', replyError('LOADING Redis is loading the dataset in memory')],
      [
        'a WRONGTYPE reply',
        'rethrown',
        replyError('WRONGTYPE Operation against a key holding the wrong kind of value'),
      ],
    ])('%s: %s', (_name, answer, error) => {
      const translated = new SessionFaults(logger).translate('load', error);
      if (answer === '503') {
        expect(translated).toBeInstanceOf(SessionUnavailableException);
        expect((translated as SessionUnavailableException).getStatus()).toBe(503);
        expect((translated as Error).cause).toBe(error);
      } else {
        expect(translated).toBe(error);
      }
    });
  });
});
