import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FixturesService } from './fixtures/fixtures.service.js';
import { SeedModule } from './seed.module.js';

// `npm run seed`: loads the fixtures into DATABASE_URL (migrating it first), with the same configuration and
// validation as the app. Idempotent.
async function seed(): Promise<void> {
  const app = await NestFactory.createApplicationContext(SeedModule, { abortOnError: false });
  try {
    await app.get(FixturesService).load();
  } finally {
    await app.close();
  }
}

seed().catch((error: unknown) => {
  new Logger('Seed').error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
