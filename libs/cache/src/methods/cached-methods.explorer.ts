import { Inject, Injectable, type LoggerService, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { CACHED_METADATA, CACHE_LOGGER, DEFAULT_CACHE_NAME } from '../cache.constants.js';
import { CacheRegistry } from '../cache.registry.js';
import type { CachedOptions } from './cached-options.interface.js';
import { cachedMethod } from './cached-method.js';

type Instance = Record<string, unknown>;
type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];

// Shared by every explorer of the process: an app that imports CacheModule twice must not wrap a method twice.
const wrappedMethods = new WeakMap<object, Set<string>>();

/**
 * Finds the `@Cached` methods of every singleton provider when `CacheModule` initialises, and replaces them on
 * the provider instance (never on the class prototype) with a call through the named cache's `getOrSet`.
 * Providers that have no single instance at that moment are not wrapped: request-scoped ones (and those that
 * depend on one) get a new instance per request, controllers had their routes bound before the module
 * initialised, and providers of modules loaded later with `LazyModuleLoader` do not exist yet. A warning names
 * the decorated methods of the first two.
 * @throws CacheConfigError at bootstrap when a method names a cache that is not configured.
 */
@Injectable()
export class CachedMethodsExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly registry: CacheRegistry,
    @Inject(CACHE_LOGGER) private readonly logger: LoggerService,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (wrapper.isAlias) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        this.warnNotWrapped(wrapper, 'is request-scoped (or depends on a request-scoped provider)');
        continue;
      }
      const instances = wrapper.isTransient
        ? wrapper.getStaticTransientInstances().map((perContext) => perContext?.instance)
        : [wrapper.instance];
      for (const instance of instances) {
        if (typeof instance === 'object' && instance !== null) this.wrap(instance as Instance);
      }
    }
    for (const wrapper of this.discovery.getControllers()) {
      this.warnNotWrapped(wrapper, 'is a controller (cache its routes with @CachePage)');
    }
  }

  private wrap(instance: Instance): void {
    const prototype = Object.getPrototypeOf(instance) as Instance | null;
    if (!prototype) return;
    const className = (instance.constructor as { name?: string } | undefined)?.name || 'Anonymous';
    for (const [methodName, options] of this.decoratedMethods(prototype)) {
      const done = wrappedMethods.get(instance) ?? new Set<string>();
      if (done.has(methodName)) continue;
      const cache = this.registry.get(options.cache ?? DEFAULT_CACHE_NAME);
      // The instance's current method, which a constructor may have bound; the metadata sits on the prototype's.
      const original = instance[methodName] as (...args: unknown[]) => unknown;
      Object.defineProperty(instance, methodName, {
        value: cachedMethod(original, { className, methodName }, options, cache),
        writable: true,
        configurable: true,
        enumerable: false,
      });
      wrappedMethods.set(instance, done.add(methodName));
    }
  }

  private warnNotWrapped(wrapper: InstanceWrapper, why: string): void {
    // Only class providers can be inspected without an instance; a factory's metatype is the factory function.
    const metatype = wrapper.inject ? undefined : (wrapper.metatype as { name: string; prototype?: Instance } | null);
    if (!metatype?.prototype) return;
    const names = this.decoratedMethods(metatype.prototype).map(([name]) => name);
    if (!names.length) return;
    this.logger.warn(
      `@Cached ${names.map((name) => `${metatype.name}.${name}`).join(', ')}: ${metatype.name} ${why}, so its calls ` +
        'are not cached. Move the cached method to a singleton provider, or call CacheService.getOrSet yourself.',
    );
  }

  private decoratedMethods(prototype: Instance): [string, CachedOptions][] {
    return this.scanner.getAllMethodNames(prototype).flatMap((name) => {
      const options = this.reflector.get<CachedOptions | undefined>(CACHED_METADATA, prototype[name] as () => unknown);
      return options ? [[name, options] as [string, CachedOptions]] : [];
    });
  }
}
