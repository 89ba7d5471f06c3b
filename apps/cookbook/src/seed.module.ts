import { Module } from '@nestjs/common';
import { CookbookCoreModule } from './core.module.js';
import { FixturesModule } from './fixtures/fixtures.module.js';

/** What `npm run seed` runs: the app's configuration, database, cache and signals, and the fixtures. */
@Module({
  imports: [CookbookCoreModule, FixturesModule],
})
export class SeedModule {}
