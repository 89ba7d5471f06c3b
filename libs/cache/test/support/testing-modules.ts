import { jest } from '@jest/globals';
import type { ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { CACHE_LOGGER } from '@stash/cache';

/** Replaces Stash's logger so tests print nothing. */
export const silentLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };

/** Compiles and initialises testing modules with a silent cache logger, and closes every one of them. */
export class TestingModules {
  private readonly opened: TestingModule[] = [];

  /** Compiles and inits a testing module (bootstrap: constructors run, then onModuleInit). */
  async boot(metadata: ModuleMetadata): Promise<TestingModule> {
    const moduleRef = await Test.createTestingModule(metadata)
      .overrideProvider(CACHE_LOGGER)
      .useValue(silentLogger)
      .compile();
    this.opened.push(moduleRef);
    await moduleRef.init();
    return moduleRef;
  }

  /** The error bootstrap fails with (compile or init); fails the test if it succeeds. */
  async bootFailure(metadata: ModuleMetadata): Promise<unknown> {
    try {
      await this.boot(metadata);
    } catch (error) {
      return error;
    }
    throw new Error('expected bootstrap to fail, it succeeded');
  }

  /** Closes one module now (runs its shutdown hooks). */
  async close(moduleRef: TestingModule): Promise<void> {
    this.opened.splice(this.opened.indexOf(moduleRef), 1);
    await moduleRef.close();
  }

  /** Closes every module still open; call it in afterEach. */
  async closeAll(): Promise<void> {
    await Promise.all(this.opened.splice(0).map((moduleRef) => moduleRef.close()));
  }
}
