import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { CookbookConfig } from '../../../apps/cookbook/src/config/cookbook-config.interface.js';
import { cookbookConfig } from '../../../apps/cookbook/src/config/cookbook.config.js';
import { BenchAppModule } from './bench-app.module.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(BenchAppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  const { port } = app.get<CookbookConfig>(cookbookConfig.KEY);
  await app.listen(port, '127.0.0.1');
}

void bootstrap();
