import { isIPv4 } from 'node:net';

/**
 * What the fault proxy does to traffic. Every mode keeps each direction's bytes in order and never drops a byte
 * of a live connection: a connection is either forwarded intact, held, or reset whole.
 * - `pass`: forward both ways.
 * - `delay`: forward each chunk `ms` milliseconds after it arrived, per direction.
 * - `hold`: a silent partition: sockets stay open, nothing is forwarded either way; what arrives is buffered.
 * - `half-open`: client → server is forwarded, server → client replies are held.
 * - `reset`: every connection, open or new, is reset (RST).
 * - `refuse`: the listener is closed (new connections are refused) and open connections are kept (forwarded as
 *   in `pass`) or reset; leaving `refuse` listens again on the same port.
 *
 * Leaving `hold` or `half-open` heals the partition: `onHeal: 'deliver'` (the default) delivers what was held,
 * in order; `'reset'` resets the connections instead, as a partition that outlived the TCP timeouts would.
 */
export type FaultMode =
  | { readonly mode: 'pass' }
  | { readonly mode: 'delay'; readonly ms: number }
  | { readonly mode: 'hold'; readonly onHeal?: 'deliver' | 'reset' }
  | { readonly mode: 'half-open'; readonly onHeal?: 'deliver' | 'reset' }
  | { readonly mode: 'reset' }
  | { readonly mode: 'refuse'; readonly existing?: 'keep' | 'reset' };

export type FaultModeName = FaultMode['mode'];

/** A mode, or the name of one that needs no parameter. */
export type FaultModeInput = FaultMode | Exclude<FaultModeName, 'delay'>;

/** What one direction of a connection does with its bytes under a mode. */
export type DirectionPolicy =
  { readonly kind: 'flow' } | { readonly kind: 'delay'; readonly ms: number } | { readonly kind: 'hold' };

export type Direction = 'toServer' | 'toClient';

const FLOW: DirectionPolicy = { kind: 'flow' };
const HOLD: DirectionPolicy = { kind: 'hold' };
const NAMES: readonly FaultModeName[] = ['pass', 'delay', 'hold', 'half-open', 'reset', 'refuse'];

/** Validates a mode and fills in its defaults. */
export function normalizeMode(input: FaultModeInput): FaultMode {
  const mode = typeof input === 'string' ? ({ mode: input } as FaultMode) : input;
  if (!mode || !NAMES.includes(mode.mode)) {
    throw new TypeError(`FaultProxy: unknown mode ${JSON.stringify(input)}; expected one of ${NAMES.join(', ')}`);
  }
  switch (mode.mode) {
    case 'delay':
      if (!Number.isFinite(mode.ms) || mode.ms < 0) {
        throw new TypeError(`FaultProxy: delay needs ms >= 0 (milliseconds), got ${JSON.stringify(mode.ms)}`);
      }
      return mode;
    case 'hold':
    case 'half-open':
      return { mode: mode.mode, onHeal: oneOf('onHeal', mode.onHeal, ['deliver', 'reset'] as const) };
    case 'refuse':
      return { mode: 'refuse', existing: oneOf('existing', mode.existing, ['keep', 'reset'] as const) };
    default:
      return mode;
  }
}

/** How a direction of an open connection moves bytes under `mode` (`reset` leaves no connection to ask). */
export function directionPolicy(mode: FaultMode, direction: Direction): DirectionPolicy {
  switch (mode.mode) {
    case 'delay':
      return { kind: 'delay', ms: mode.ms };
    case 'hold':
      return HOLD;
    case 'half-open':
      return direction === 'toServer' ? FLOW : HOLD;
    default:
      return FLOW;
  }
}

/** Whether going from `previous` to `next` must reset the open connections. */
export function resetsConnections(previous: FaultMode, next: FaultMode): boolean {
  if (next.mode === 'reset') return true;
  if (next.mode === 'refuse' && next.existing === 'reset') return true;
  const healing = (previous.mode === 'hold' || previous.mode === 'half-open') && previous.mode !== next.mode;
  return healing && 'onHeal' in previous && previous.onHeal === 'reset';
}

/** `redisUrl` (scheme, credentials, db kept) pointed at the proxy's port on 127.0.0.1. */
export function proxiedUrl(redisUrl: string, port: number): string {
  const url = new URL(redisUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

/** The proxy only ever talks to this machine: a target off loopback is refused before anything connects. */
export function assertLoopback(host: string): void {
  const loopback = host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'));
  if (!loopback) {
    throw new TypeError(
      `FaultProxy: target host ${JSON.stringify(host)} is not loopback (127.0.0.0/8, ::1, localhost)`,
    );
  }
}

function oneOf<T extends string>(option: string, value: T | undefined, accepted: readonly T[]): T {
  if (value === undefined) return accepted[0]!;
  if (!accepted.includes(value)) {
    throw new TypeError(`FaultProxy: ${option} must be one of ${accepted.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value;
}
