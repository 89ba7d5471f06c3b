// A Nest app limited by ThrottlerGuard with CacheThrottlerStorage, run by plain Node (see node-build.ts).
// Environment: REDIS_URL, KEY_PREFIX, FAIL_OPEN ('true' lets requests through when Redis is down).
import { Catch, Controller, Get, Module, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory } from '@nestjs/core';
import { Throttle, ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { Response } from 'express';
import { CacheModule, CacheService, CacheThrottlerStorage, CacheUnavailableError } from '../../src/index.js';

@Controller()
class LimitedController {
  @Get('limited')
  limited() {
    return 'ok';
  }

  @Get('short')
  @Throttle({ default: { ttl: 400, limit: 1, blockDuration: 400 } })
  short() {
    return 'ok';
  }
}

/** The mapping the README recommends: a rate limit that cannot be checked answers 503, not 500. */
@Catch(CacheUnavailableError)
class CacheUnavailableFilter implements ExceptionFilter {
  catch(_error: CacheUnavailableError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().status(503).set('Retry-After', '1').send('rate limit unavailable');
  }
}

@Module({
  imports: [
    CacheModule.forRoot({
      url: process.env.REDIS_URL,
      keyPrefix: process.env.KEY_PREFIX,
      commandTimeout: 200,
      isGlobal: true,
    }),
    ThrottlerModule.forRootAsync({
      inject: [CacheService],
      useFactory: (cache: CacheService) => ({
        throttlers: [{ ttl: 60_000, limit: 3 }],
        storage: new CacheThrottlerStorage(cache, { failOpen: process.env.FAIL_OPEN === 'true' }),
      }),
    }),
  ],
  controllers: [LimitedController],
  providers: [
    { provide: APP_GUARD, useClass: ThrottlerGuard },
    { provide: APP_FILTER, useClass: CacheUnavailableFilter },
  ],
})
class ThrottledAppModule {}

const app = await NestFactory.create(ThrottledAppModule, { logger: false });
app.enableShutdownHooks();
await app.listen(0, '127.0.0.1');
const address = app.getHttpServer().address() as { port: number };
process.stdout.write(`listening ${address.port}\n`);
