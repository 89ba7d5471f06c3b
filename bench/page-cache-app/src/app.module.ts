import { CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { CacheModule, PageCacheModule } from '@stash/cache';
import { PageController } from './page.controller.js';

/**
 * The page-cache benchmark's app: Stash on the benchmark's Redis, and @nestjs/cache-manager with its default
 * in-process store (its own quick start), so its figure is a network-free upper bound.
 */
@Module({
  imports: [
    CacheModule.forRoot({ url: process.env.REDIS_URL, keyPrefix: 'page-bench', isGlobal: true }),
    PageCacheModule.forRoot({ allowedHosts: ['127.0.0.1', 'localhost'], isGlobal: true }),
    NestCacheModule.register({ ttl: 3_600_000 }),
  ],
  controllers: [PageController],
})
export class AppModule {}
