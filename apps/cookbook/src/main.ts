import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import type { CookbookConfig } from './config/cookbook-config.interface.js';
import { cookbookConfig } from './config/cookbook.config.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  const { port } = app.get<CookbookConfig>(cookbookConfig.KEY);
  await app.listen(port);
  new Logger('Cookbook').log(`Listening on http://localhost:${port}/cookbook/`);
}

void bootstrap();
