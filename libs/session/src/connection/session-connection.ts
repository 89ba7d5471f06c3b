import { Inject, Injectable, type LoggerService, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CACHE_MODULE_OPTIONS, whenReady, withinCommandTimeout, type CacheModuleOptions } from '@stash/cache';
import { Cluster, Redis } from 'ioredis';
import { SessionFaults } from '../faults/session-faults.js';
import type { ResolvedSessionOptions } from '../session-options.js';
import { SESSION_LOGGER, SESSION_OPTIONS } from '../session.constants.js';
import { isCluster } from './is-cluster.js';
import { planClient, type ClientPlan } from './redis-client-options.js';

const BOOT_CONNECT_TIMEOUT_MS = 2_000;

interface Opened {
  readonly client: Redis | Cluster;
  readonly owned: boolean;
  readonly commandTimeoutMs: number;
}

// The sessions' ioredis client, a `Redis` (standalone or through Sentinel) or a `Cluster`: opened with latency
// bounds (or borrowed: a `client` option, or a cache's client), its `error` events always handled, quit on shutdown
// when Stash opened it; and the session's command timeout, which bounds each command sent on it (BoundedRedis). It
// is opened on first use, after every module's providers exist, so that a `cache` connection can be looked up in
// `CacheModule`.
@Injectable()
export class SessionConnection implements OnModuleInit, OnApplicationShutdown {
  private opened?: Opened;
  private reported = false;
  private readonly onError = (error: Error) => {
    // Without a listener ioredis would crash the process; requests report their own failures.
    if (!this.reported) this.logger.warn(`Session Redis connection error: ${error.message}`);
    this.reported = true;
  };
  private readonly onReady = () => {
    this.reported = false;
    this.faults.recovered();
  };

  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    @Inject(SESSION_LOGGER) private readonly logger: LoggerService,
    private readonly faults: SessionFaults,
    private readonly moduleRef: ModuleRef,
  ) {}

  get client(): Redis | Cluster {
    this.opened ??= this.open();
    return this.opened.client;
  }

  // In milliseconds.
  get commandTimeoutMs(): number {
    this.opened ??= this.open();
    return this.opened.commandTimeoutMs;
  }

  // Opens the connection (a bad `cache` option fails here, at bootstrap) and waits up to 2 s for it.
  async onModuleInit(): Promise<void> {
    if (!(await whenReady(this.client, BOOT_CONNECT_TIMEOUT_MS))) {
      this.logger.warn('Session Redis not reachable at startup; requests that need a session answer 503 until it is.');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const opened = this.opened;
    if (!opened) return;
    opened.client.off('ready', this.onReady);
    if (!opened.owned) {
      opened.client.off('error', this.onError);
      return;
    }
    if (opened.client.status === 'end') return;
    if (opened.client.status !== 'ready') {
      opened.client.disconnect();
      return;
    }
    try {
      await withinCommandTimeout(opened.client.quit(), opened.commandTimeoutMs);
    } catch {
      opened.client.disconnect();
    }
    // QUIT closes the data connection only: a Sentinel client's failover detector keeps its subscriptions to the
    // sentinels open (and reconnecting) until the connector is disconnected, which would keep the process alive.
    if (!isCluster(opened.client)) opened.client.disconnect();
  }

  private open(): Opened {
    const plan = planClient(this.options.connection, () => this.cacheOptions());
    if ('client' in plan) return this.listen(plan, plan.client, false);
    if ('cluster' in plan) return this.listen(plan, new Cluster([...plan.cluster.nodes], plan.cluster.options), true);
    return this.listen(plan, plan.url ? new Redis(plan.url, plan.options) : new Redis(plan.options), true);
  }

  private listen(plan: ClientPlan, client: Redis | Cluster, owned: boolean): Opened {
    client.on('error', this.onError);
    client.on('ready', this.onReady);
    return { client, owned, commandTimeoutMs: plan.commandTimeoutMs };
  }

  private cacheOptions(): CacheModuleOptions | undefined {
    try {
      return this.moduleRef.get<CacheModuleOptions>(CACHE_MODULE_OPTIONS, { strict: false });
    } catch {
      return undefined;
    }
  }
}
