import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ApplicationConfig, DiscoveryService, HttpAdapterHost, MetadataScanner, Reflector } from '@nestjs/core';
import { NearStore } from '../../near/near-store.js';
import { PageCache } from '../page-cache.service.js';
import type { EdgeResponse } from './edge-response.js';
import { assertEdgeRoute, findEdgeRoutes, globalEnhancerModules, type EdgeRoute } from './edge-routes.js';
import { PageEdge, type EdgeStore } from './page-edge.js';
import { PageEdgeError } from './page-edge.error.js';

/**
 * Turns the edge on when the app has `@CachePage({ edge: true })` routes: checks each of them (bootstrap errors),
 * opens one edge store per cache on that cache's near cache channel, and puts the edge in front of the Express
 * app on the HTTP server's `request` event, so that a hit never enters Express. An app without edge routes keeps
 * its server as it was.
 * @throws PageEdgeError at bootstrap for a route the edge cannot serve safely.
 */
@Injectable()
export class PageEdgeInstaller implements OnApplicationBootstrap, OnApplicationShutdown {
  private stores: EdgeStore[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly config: ApplicationConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly pageCache: PageCache,
  ) {}

  onApplicationBootstrap(): void {
    const routes = findEdgeRoutes(this.discovery, this.scanner, this.reflector);
    if (routes.length === 0) return;
    const { options } = this.pageCache;
    const modules = globalEnhancerModules(this.discovery);
    for (const route of routes) assertEdgeRoute(route, this.config, options.edge.skip, modules);
    const adapter = this.adapterHost.httpAdapter as typeof this.adapterHost.httpAdapter | undefined;
    // An application context without HTTP (a CLI, a worker) has no router to stand in front of.
    if (!adapter) return;
    if (adapter.getType() !== 'express') {
      throw new PageEdgeError(routes[0]!.name, `the HTTP adapter is ${adapter.getType()}`, 'The edge needs Express.');
    }
    const stores = new Map<string, EdgeStore>();
    for (const route of routes) {
      const cache = route.route.page?.cache ?? options.cache;
      if (!stores.has(cache)) stores.set(cache, this.openStore(route, cache));
    }
    this.stores = [...stores.values()];
    const edge = new PageEdge(options.edge, options.allowedHosts, stores);
    const express = adapter.getInstance<{ get(setting: string): unknown }>();
    edge.useTrustProxy(() => Boolean(express.get('trust proxy')));
    this.pageCache.useEdge(edge);
    standInFront(adapter.getHttpServer() as Server, edge);
  }

  onApplicationShutdown(): void {
    for (const store of this.stores) store.close();
  }

  private openStore(route: EdgeRoute, name: string): EdgeStore {
    const cache = this.pageCache.store(name).cache;
    if (!cache.internals.options.near) {
      throw new PageEdgeError(
        route.name,
        `cache "${name}" has no near cache, whose channel would tell the edge about invalidations in other processes`,
        `Turn it on: CacheModule.forRoot({ near: true }) (or caches.${name}.near), or remove edge: true.`,
      );
    }
    const { maxEntries, maxBytes, maxAgeMs } = this.pageCache.options.edge;
    return new NearStore<EdgeResponse>(cache.coherenceChannel(), { maxEntries, maxBytes, ttlMs: maxAgeMs });
  }
}

/** Puts the edge before the server's `request` listeners (the Express app): they get only what it does not serve. */
function standInFront(server: Server, edge: PageEdge): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const app = listeners.length === 1 ? listeners[0]! : undefined;
  server.on(
    'request',
    app
      ? (req: IncomingMessage, res: ServerResponse) => edge.serve(req, res) || app.call(server, req, res)
      : (req: IncomingMessage, res: ServerResponse) => {
          if (edge.serve(req, res)) return;
          for (const listener of listeners) listener.call(server, req, res);
        },
  );
}
