import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { ReceiverMetadata } from '../decorators/receiver.decorator.js';
import { RECEIVER_METADATA, SIGNALS_LOG_CONTEXT } from '../signals.constants.js';

type Instance = Record<string, unknown>;
type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];

/**
 * Connects the `@Receiver` methods of every singleton provider and controller once the application has
 * bootstrapped (every `onModuleInit` has run, so receivers see fully initialised providers), bound to their
 * instance, and disconnects them on application shutdown. Request-scoped and transient providers have no single
 * instance to bind to: they are skipped with a warning naming their receivers.
 */
@Injectable()
export class ReceiversLoader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SIGNALS_LOG_CONTEXT);
  private disconnects: (() => void)[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onApplicationBootstrap(): void {
    // An instance registered under several tokens (useExisting aliases, re-exports) is connected once.
    const connected = new Set<object>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      if (wrapper.isAlias) continue;
      if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
        this.warnSkipped(wrapper);
        continue;
      }
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null || connected.has(instance)) continue;
      connected.add(instance);
      this.connect(instance as Instance);
    }
  }

  onApplicationShutdown(): void {
    for (const disconnect of this.disconnects.splice(0)) disconnect();
  }

  private connect(instance: Instance): void {
    const prototype = Object.getPrototypeOf(instance) as Instance | null;
    if (!prototype) return;
    const className = (instance.constructor as { name?: string } | undefined)?.name || 'Anonymous';
    for (const [methodName, receivers] of this.decoratedMethods(prototype)) {
      // The instance's current method, which a constructor may have bound or wrapped.
      const method = instance[methodName] as (payload: unknown) => unknown;
      const bound = method.bind(instance);
      for (const { signal, options } of receivers) {
        this.disconnects.push(signal.connect(bound, { ...options, name: `${className}.${methodName}` }));
      }
    }
  }

  private warnSkipped(wrapper: InstanceWrapper): void {
    // Only class providers can be inspected without an instance; a factory's metatype is the factory function.
    const metatype = wrapper.inject ? undefined : (wrapper.metatype as { name: string; prototype?: Instance } | null);
    if (!metatype?.prototype) return;
    const names = this.decoratedMethods(metatype.prototype).map(([name]) => `${metatype.name}.${name}`);
    if (!names.length) return;
    const scope = wrapper.isTransient ? 'transient' : 'request-scoped (or depends on a request-scoped provider)';
    this.logger.warn(
      `@Receiver ${names.join(', ')}: ${metatype.name} is ${scope}, so these receivers are not connected ` +
        '(there is no single instance to call). Move them to a singleton provider.',
    );
  }

  private decoratedMethods(prototype: Instance): [string, readonly ReceiverMetadata[]][] {
    return this.scanner.getAllMethodNames(prototype).flatMap((name) => {
      const method = prototype[name];
      if (typeof method !== 'function') return [];
      const receivers = Reflect.getMetadata(RECEIVER_METADATA, method) as readonly ReceiverMetadata[] | undefined;
      return receivers?.length ? [[name, receivers] as [string, readonly ReceiverMetadata[]]] : [];
    });
  }
}
