import { CacheInterceptor as NestCacheInterceptor } from '@nestjs/cache-manager';
import { Controller, Get, Header, UseInterceptors } from '@nestjs/common';
import { CachePage, PageCacheInterceptor } from '@stash/cache';
import { PAGE } from './page.js';

/** Three routes serving the same ~2 KB page: as a constant, through @CachePage, through @nestjs/cache-manager. */
@Controller()
export class PageController {
  @Get('constant')
  @Header('Content-Type', 'text/html; charset=utf-8')
  constant(): string {
    return PAGE;
  }

  @Get('stash')
  @UseInterceptors(PageCacheInterceptor)
  @CachePage(3600)
  @Header('Content-Type', 'text/html; charset=utf-8')
  stash(): string {
    return PAGE;
  }

  @Get('cache-manager')
  @UseInterceptors(NestCacheInterceptor)
  @Header('Content-Type', 'text/html; charset=utf-8')
  cacheManager(): string {
    return PAGE;
  }
}
