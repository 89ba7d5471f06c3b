import {
  Controller,
  Get,
  Injectable,
  Module,
  Post,
  UseGuards,
  UseInterceptors,
  VersioningType,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CacheArgumentError, CachePage, VaryOnCookie } from '@stash/cache';
import { PageEdgeError } from '../src/http/edge/page-edge.error.js';
import { edgeBootError } from './support/page-edge-boot.js';

@Injectable()
class AllowAll implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Injectable()
class PassThrough implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler) {
    return next.handle();
  }
}

/** A subclass of an acknowledged guard is acknowledged too. */
@Injectable()
class StricterAllowAll extends AllowAll {}

/** A library-like module registering a global guard and interceptor it does not export. */
@Module({
  providers: [
    { provide: APP_GUARD, useClass: AllowAll },
    { provide: APP_INTERCEPTOR, useClass: PassThrough },
  ],
})
class EnhancersModule {}

@Controller('public')
class PublicPages {
  @Get()
  @CachePage({ ttl: 60, edge: true })
  index() {
    return 'public';
  }
}

@Controller('guarded')
class GuardedRoute {
  @Get()
  @UseGuards(AllowAll)
  @CachePage({ ttl: 60, edge: true })
  index() {
    return 'guarded';
  }
}

@Controller('guarded-controller')
@UseGuards(AllowAll)
class GuardedController {
  @Get()
  @CachePage({ ttl: 60, edge: true })
  index() {
    return 'guarded';
  }
}

@Controller('intercepted')
class InterceptedRoute {
  @Get()
  @UseInterceptors(PassThrough)
  @CachePage({ ttl: 60, edge: true })
  index() {
    return 'intercepted';
  }
}

@Controller('per-visitor')
class PerVisitorRoute {
  @Get()
  @CachePage({ ttl: 60, edge: true })
  @VaryOnCookie()
  index() {
    return 'per visitor';
  }
}

@Controller('edge-controller')
@CachePage({ ttl: 60, edge: true })
@UseInterceptors(PassThrough)
class EdgeController {
  @Get()
  index() {
    return 'edge by its controller';
  }
}

/** `edge: true` on the controller: its POST route, guarded, is never answered by the edge. */
@Controller('edge-with-writes')
@CachePage({ ttl: 60, edge: true })
class EdgeControllerWithWrites {
  @Get()
  index() {
    return 'edge';
  }

  @Post()
  @UseGuards(AllowAll)
  create() {
    return 'created';
  }
}

@Controller('guarded-not-edge')
@UseGuards(AllowAll)
class GuardedNotEdge {
  @Get()
  @CachePage(60)
  index() {
    return 'guarded, not edge';
  }
}

describe('the page edge at bootstrap', () => {
  it('boots an app with edge routes and no enhancer in the way', async () => {
    expect(await edgeBootError({ controllers: [PublicPages, GuardedNotEdge] })).toBeUndefined();
  });

  it('checks only the GET routes of a controller marked edge (a guarded POST is fine)', async () => {
    expect(await edgeBootError({ controllers: [EdgeControllerWithWrites] })).toBeUndefined();
  });

  it.each<[string, Parameters<typeof edgeBootError>[0], string, RegExp]>([
    ['a guard on the route', { controllers: [GuardedRoute] }, 'GuardedRoute.index', /guard AllowAll/],
    ['a guard on its controller', { controllers: [GuardedController] }, 'GuardedController.index', /guard AllowAll/],
    [
      'an interceptor on the route',
      { controllers: [InterceptedRoute] },
      'InterceptedRoute.index',
      /interceptor PassThrough/,
    ],
    [
      'an interceptor on its controller (edge: true on the controller)',
      { controllers: [EdgeController] },
      'EdgeController.index',
      /interceptor PassThrough/,
    ],
    ['Vary: Cookie', { controllers: [PerVisitorRoute] }, 'PerVisitorRoute.index', /varies on Cookie/],
    [
      'a global guard (APP_GUARD) not acknowledged',
      { controllers: [PublicPages], providers: [{ provide: APP_GUARD, useClass: AllowAll }] },
      'PublicPages.index',
      /global guard AllowAll .*edge: \{ skip: \[AllowAll\] \}/,
    ],
    [
      'a global guard (useGlobalGuards) not acknowledged',
      { controllers: [PublicPages], configure: (app) => app.useGlobalGuards(new AllowAll()) },
      'PublicPages.index',
      /global guard AllowAll/,
    ],
    [
      'a global interceptor (APP_INTERCEPTOR) not acknowledged',
      { controllers: [PublicPages], providers: [{ provide: APP_INTERCEPTOR, useClass: PassThrough }] },
      'PublicPages.index',
      /global interceptor PassThrough/,
    ],
    [
      'header versioning (routes chosen by a request header)',
      {
        controllers: [PublicPages],
        configure: (app) => app.enableVersioning({ type: VersioningType.HEADER, header: 'X-Version' }),
      },
      'PublicPages.index',
      /chooses routes by request headers/,
    ],
    [
      'no near cache on the page cache',
      { controllers: [PublicPages], cache: { near: false } },
      'PublicPages.index',
      /cache "default" has no near cache/,
    ],
  ])('stops with PageEdgeError for an edge route with %s', async (_, options, route, reason) => {
    const error = await edgeBootError(options);
    expect(error).toBeInstanceOf(PageEdgeError);
    expect((error as PageEdgeError).route).toBe(route);
    expect((error as Error).message).toMatch(reason);
  });

  it('names the module of an unacknowledged global enhancer it registered', async () => {
    const error = await edgeBootError({ controllers: [PublicPages], imports: [EnhancersModule] });
    expect(error).toBeInstanceOf(PageEdgeError);
    expect((error as Error).message).toMatch(
      /global guard AllowAll \(registered by EnhancersModule\).*skip: \[EnhancersModule\]/,
    );
  });

  it('boots with the global enhancers of a module acknowledged by naming the module', async () => {
    const options = { controllers: [PublicPages], imports: [EnhancersModule] };
    expect(await edgeBootError({ ...options, pageCache: { edge: { skip: [EnhancersModule] } } })).toBeUndefined();
  });

  it.each<[string, Parameters<typeof edgeBootError>[0]]>([
    ['APP_GUARD', { controllers: [PublicPages], providers: [{ provide: APP_GUARD, useClass: StricterAllowAll }] }],
    ['useGlobalGuards', { controllers: [PublicPages], configure: (app) => app.useGlobalGuards(new AllowAll()) }],
  ])('boots with a global guard (%s) acknowledged in edge.skip', async (_, options) => {
    expect(await edgeBootError({ ...options, pageCache: { edge: { skip: [AllowAll] } } })).toBeUndefined();
  });

  it('refuses @CachePage({ edge }) that is not a boolean when the decorator is applied', () => {
    expect(() => CachePage({ edge: 'yes' as unknown as boolean })).toThrow(CacheArgumentError);
  });
});
