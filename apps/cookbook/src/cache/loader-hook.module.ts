import { Global, Module } from '@nestjs/common';
import { TEST_LOADER_HOOK } from '../test-hooks/test-hooks.constants.js';
import { LOADER_HOOK, NO_LOADER_HOOK, type LoaderHook } from './cached-read.js';

/**
 * Provides the `LoaderHook` every cached read and page handler runs before loading: the no-op one, unless the
 * test hooks (registered only with STASH_TEST_HOOKS=1) provide theirs.
 */
@Global()
@Module({
  providers: [
    {
      provide: LOADER_HOOK,
      inject: [{ token: TEST_LOADER_HOOK, optional: true }],
      useFactory: (testHook?: LoaderHook): LoaderHook => testHook ?? NO_LOADER_HOOK,
    },
  ],
  exports: [LOADER_HOOK],
})
export class LoaderHookModule {}
