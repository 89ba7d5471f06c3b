import { jest } from '@jest/globals';
import type { INestApplication, LoggerService, ModuleMetadata } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { SESSION_LOGGER, SessionModule, type SessionModuleOptions } from '@stash/session';
import { Redis } from 'ioredis';
import request from 'supertest';
import { testRedisUrl, uniquePrefix } from '../../../../test/support/test-redis.js';
import { SessionTestController } from './session-test.controller.js';

/** 48 characters: comfortably over the 32-character minimum. */
export const SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
export const OTHER_SECRET = 'other-secret-0123456789-abcdefghijklmnopqrstuvwxy';

export type MockLogger = LoggerService & { [K in 'log' | 'warn' | 'error' | 'debug' | 'verbose']: jest.Mock };

export function mockLogger(): MockLogger {
  return { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };
}

export interface SessionTestApp {
  readonly app: INestApplication;
  readonly prefix: string;
  readonly logger: MockLogger;
  /** supertest bound to the app's server, without a cookie jar. */
  http(): ReturnType<typeof request>;
  /** A supertest agent: a browser with its own cookie jar. */
  browser(): ReturnType<typeof request.agent>;
  close(): Promise<void>;
}

export interface SessionTestAppOptions {
  /** Express's `trust proxy` setting. */
  trustProxy?: boolean;
  /** Reuse this prefix (a second app on the same sessions). */
  prefix?: string;
  imports?: ModuleMetadata['imports'];
}

/** A real Nest app with `SessionModule` on the suite's Redis (unless `options` says otherwise) and a fresh prefix. */
export async function createSessionApp(
  options: Partial<SessionModuleOptions> = {},
  setup: SessionTestAppOptions = {},
): Promise<SessionTestApp> {
  const prefix = setup.prefix ?? `${uniquePrefix('session')}:`;
  const ownTarget = options.client || options.cache || options.cluster || options.sentinels;
  const connection = ownTarget ? {} : { url: options.url ?? testRedisUrl() };
  const logger = mockLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [...(setup.imports ?? []), SessionModule.forRoot({ secret: SECRET, prefix, ...connection, ...options })],
    controllers: [SessionTestController],
  })
    .overrideProvider(SESSION_LOGGER)
    .useValue(logger)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  if (setup.trustProxy) app.set('trust proxy', 1);
  try {
    await app.init();
  } catch (error) {
    // A failed bootstrap still leaves whatever other modules opened (CacheModule's clients).
    await app.close();
    throw error;
  }
  const server = app.getHttpServer();
  return {
    app,
    prefix,
    logger,
    http: () => request(server),
    browser: () => request.agent(server),
    close: () => app.close(),
  };
}

/** A plain client on the suite's Redis, to look at what the module stored. */
export function inspector(url = testRedisUrl()): Redis {
  return new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
}
