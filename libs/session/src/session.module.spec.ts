import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SessionConfigError } from './errors/session-config.error.js';
import type { SessionOptionsFactory } from './session.module-definition.js';
import type { SessionModuleOptions } from './session-options.interface.js';
import type { ResolvedSessionOptions } from './session-options.js';
import { SESSION_OPTIONS } from './session.constants.js';
import { SessionModule } from './session.module.js';
import { SessionService } from './session.service.js';

const options: SessionModuleOptions = { secret: 's'.repeat(32), url: 'redis://127.0.0.1:1', ttl: 60 };

@Injectable()
class SessionConfig implements SessionOptionsFactory {
  createSessionOptions(): SessionModuleOptions {
    return options;
  }
}

@Module({ providers: [SessionConfig], exports: [SessionConfig] })
class ConfigModule {}

// Compiling instantiates every provider but runs no lifecycle hook, so nothing connects to Redis here.
describe('SessionModule', () => {
  it.each<[string, () => ReturnType<typeof SessionModule.forRoot>]>([
    ['forRoot', () => SessionModule.forRoot(options)],
    ['forRootAsync with useFactory', () => SessionModule.forRootAsync({ useFactory: async () => options })],
    ['forRootAsync with useClass', () => SessionModule.forRootAsync({ useClass: SessionConfig })],
    [
      'forRootAsync with useExisting',
      () => SessionModule.forRootAsync({ imports: [ConfigModule], useExisting: SessionConfig }),
    ],
  ])('compiles with %s and resolves the options once', async (_name, register) => {
    const moduleRef = await Test.createTestingModule({ imports: [register()] }).compile();
    const resolved = moduleRef.get<ResolvedSessionOptions>(SESSION_OPTIONS);
    expect(resolved.ttl).toBe(60);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(moduleRef.get(SessionService)).toBeInstanceOf(SessionService);
    await moduleRef.close();
  });

  it('is global only when asked', () => {
    expect(SessionModule.forRoot(options).global).toBe(false);
    expect(SessionModule.forRoot({ ...options, isGlobal: true }).global).toBe(true);
  });

  it.each<[string, () => ReturnType<typeof SessionModule.forRoot>, string]>([
    ['forRoot without a secret', () => SessionModule.forRoot({} as SessionModuleOptions), 'secret'],
    ['forRoot with a short secret', () => SessionModule.forRoot({ secret: 'short' }), 'secret'],
    [
      'forRootAsync with an unknown option',
      () => SessionModule.forRootAsync({ useFactory: () => ({ ...options, maxAge: 5 }) as SessionModuleOptions }),
      'maxAge',
    ],
  ])('fails at bootstrap for %s, naming the option', async (_name, register, option) => {
    const compiling = Test.createTestingModule({ imports: [register()] }).compile();
    await expect(compiling).rejects.toBeInstanceOf(SessionConfigError);
    await expect(Test.createTestingModule({ imports: [register()] }).compile()).rejects.toThrow(`"${option}"`);
  });
});
