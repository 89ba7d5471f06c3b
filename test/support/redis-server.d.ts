/** A redis-server process owned by a test: no persistence, loopback only, on a free port. */
export declare class RedisServerProcess {
  readonly port: number;
  /** Starts a server on a free port (or on `port`, to restart on the same address) and waits for PING. */
  static start(port?: number): Promise<RedisServerProcess>;
  get url(): string;
  get running(): boolean;
  start(): Promise<void>;
  /** Sends a signal (SIGKILL to vanish, SIGSTOP/SIGCONT to stall) and, unless it stalls, waits for the exit. */
  signal(signal: NodeJS.Signals): Promise<void>;
  /** Stops the server (SIGTERM; SIGKILL after a stall). */
  stop(): Promise<void>;
}
/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export declare function freePort(): Promise<number>;
/** Whether a redis-server on 127.0.0.1:`port` answers PING with +PONG (not LOADING) within 500 ms. */
export declare function answersPing(port: number): Promise<boolean>;
/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes. */
export declare function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  message: string,
): Promise<void>;
export declare function sleep(ms: number): Promise<void>;
