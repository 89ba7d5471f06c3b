import { RequestMethod, VersioningType, type CanActivate, type NestInterceptor, type Type } from '@nestjs/common';
import { GUARDS_METADATA, INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import type { ApplicationConfig, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PageCacheInterceptor } from '../page-cache.interceptor.js';
import { readPageRoute, type PageRoute } from '../page-route.js';
import { PageEdgeError } from './page-edge.error.js';

/** A route marked `@CachePage({ edge: true })`. */
export interface EdgeRoute {
  /** `Controller.method`, for errors. */
  readonly name: string;
  readonly controller: Type;
  readonly handler: (...args: unknown[]) => unknown;
  readonly route: PageRoute;
}

type Enhancer = Type | object;

// The route methods whose requests the edge may answer (a controller-wide `edge: true` leaves POST routes alone).
const READ_METHODS = new Set([RequestMethod.GET, RequestMethod.HEAD, RequestMethod.ALL]);

/** Every GET/HEAD route whose `@CachePage` (its own, or its controller's) says `edge: true`. */
export function findEdgeRoutes(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
): EdgeRoute[] {
  const routes: EdgeRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as Type | undefined;
    if (!controller?.prototype) continue;
    const prototype = controller.prototype as Record<string, unknown>;
    for (const method of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[method] as (...args: unknown[]) => unknown;
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      if (!READ_METHODS.has(Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod)) continue;
      const route = readPageRoute(reflector, controller, handler);
      if (route?.page?.edge === true) routes.push({ name: `${controller.name}.${method}`, controller, handler, route });
    }
  }
  return routes;
}

/**
 * Checks that an edge route's hits may skip Express and every enhancer: no guard or interceptor of its own (the
 * page cache's interceptor aside), every global one acknowledged in `skip` (by its class, or by the module that
 * registered it), and a page keyed only by its URL and Vary values that are neither Cookie nor Authorization.
 * @throws PageEdgeError naming the route and what stands in the way.
 */
export function assertEdgeRoute(
  edge: EdgeRoute,
  config: ApplicationConfig,
  skip: readonly Type[],
  modules: GlobalEnhancerModules,
): void {
  const { name, controller, handler, route } = edge;
  const fail = (reason: string, fix: string) => {
    throw new PageEdgeError(name, reason, fix);
  };
  if (route.unsupported) fail(`it is a ${route.unsupported} route`, 'Remove edge: true.');
  const versioning = config.getVersioning()?.type;
  if (versioning !== undefined && versioning !== VersioningType.URI) {
    fail(
      'the app chooses routes by request headers (header, media type or custom versioning), which the edge does not read',
      'Use URI versioning, or remove edge: true.',
    );
  }
  if (route.key !== undefined) {
    fail('it has @CacheKey (the edge keys pages by URL only)', 'Remove @CacheKey or edge: true.');
  }
  const privateVary = route.varyHeaders.find((header) => ['cookie', 'authorization'].includes(header.toLowerCase()));
  if (privateVary) fail(`it varies on ${privateVary} (a page per user)`, 'Remove edge: true.');
  const own = (key: string): Enhancer[] => [
    ...((Reflect.getMetadata(key, controller) as Enhancer[] | undefined) ?? []),
    ...((Reflect.getMetadata(key, handler) as Enhancer[] | undefined) ?? []),
  ];
  const guard = own(GUARDS_METADATA)[0];
  if (guard) {
    fail(`guard ${nameOf(guard)} (on the route or its controller) must run on every request`, 'Remove edge: true.');
  }
  const interceptor = own(INTERCEPTORS_METADATA).find((enhancer) => !isPageCacheInterceptor(enhancer));
  if (interceptor) {
    fail(
      `interceptor ${nameOf(interceptor)} (on the route or its controller) must run on every request`,
      'Remove edge: true.',
    );
  }
  const acknowledge = (kind: string, enhancers: Enhancer[]) => {
    const unacknowledged = enhancers.find(
      (enhancer) => !skip.some((type) => isA(enhancer, type) || modules.get(enhancer) === type),
    );
    if (unacknowledged) {
      const module = modules.get(unacknowledged);
      fail(
        `global ${kind} ${nameOf(unacknowledged)}${module ? ` (registered by ${module.name})` : ''} would not run ` +
          'for its edge hits',
        `If it is safe to skip for anonymous GET/HEAD requests of public pages, acknowledge it with ` +
          `PageCacheModule.forRoot({ edge: { skip: [${nameOf(unacknowledged)}] } })` +
          `${module ? ` (or skip: [${module.name}] for every global enhancer of that module)` : ''}; else remove edge: true.`,
      );
    }
  };
  acknowledge('guard', globalEnhancers(config.getGlobalGuards(), config.getGlobalRequestGuards()));
  acknowledge(
    'interceptor',
    globalEnhancers(config.getGlobalInterceptors(), config.getGlobalRequestInterceptors()).filter(
      (enhancer) => !isPageCacheInterceptor(enhancer),
    ),
  );
}

/** The module that registered each APP_GUARD / APP_INTERCEPTOR instance (by class for request-scoped ones). */
export type GlobalEnhancerModules = ReadonlyMap<Enhancer, Type>;

const GLOBAL_ENHANCER_TOKEN = /^(APP_GUARD|APP_INTERCEPTOR) \(UUID: /;

/**
 * Maps the global guards and interceptors registered with APP_GUARD / APP_INTERCEPTOR to their module, so that a
 * library's enhancers it does not export can be acknowledged by naming the library's module.
 */
export function globalEnhancerModules(discovery: DiscoveryService): GlobalEnhancerModules {
  const modules = new Map<Enhancer, Type>();
  for (const wrapper of discovery.getProviders()) {
    if (typeof wrapper.token !== 'string' || !GLOBAL_ENHANCER_TOKEN.test(wrapper.token)) continue;
    const module = wrapper.host?.metatype as Type | undefined;
    if (!module) continue;
    if (wrapper.instance) modules.set(wrapper.instance as object, module);
    if (wrapper.metatype) modules.set(wrapper.metatype as Type, module);
  }
  return modules;
}

function globalEnhancers(
  instances: (CanActivate | NestInterceptor)[],
  scoped: { readonly metatype: unknown }[],
): Enhancer[] {
  return [...instances, ...scoped.map((wrapper) => wrapper.metatype as Type)];
}

function isPageCacheInterceptor(enhancer: Enhancer): boolean {
  return isA(enhancer, PageCacheInterceptor);
}

/** The enhancer is `type`, a subclass of it, or an instance of either. */
function isA(enhancer: Enhancer, type: Type): boolean {
  if (typeof enhancer === 'function') return enhancer === type || enhancer.prototype instanceof type;
  return enhancer instanceof type;
}

function nameOf(enhancer: Enhancer): string {
  return typeof enhancer === 'function' ? enhancer.name : enhancer.constructor.name;
}
