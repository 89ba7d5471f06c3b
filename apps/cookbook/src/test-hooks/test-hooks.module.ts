import { Global, Module } from '@nestjs/common';
import { StashStatsController } from './stash-stats.controller.js';
import { StashStats } from './stash-stats.service.js';
import { TEST_LOADER_HOOK } from './test-hooks.constants.js';
import { TestLoaderDelay } from './test-loader-delay.js';

/**
 * Test-only hooks, registered only when STASH_TEST_HOOKS=1 (`ConditionalModule` in app.module.ts; the
 * configuration refuses the variable with NODE_ENV=production): the loader delay and count (`TestLoaderDelay`,
 * which replaces the core module's no-op `LoaderHook`) and `GET /__stash/stats`. Without the variable nothing of
 * it exists: no route (404), no provider. It adds no rate limit and no caching to its route.
 */
@Global()
@Module({
  controllers: [StashStatsController],
  providers: [TestLoaderDelay, StashStats, { provide: TEST_LOADER_HOOK, useExisting: TestLoaderDelay }],
  exports: [TEST_LOADER_HOOK],
})
export class TestHooksModule {}
