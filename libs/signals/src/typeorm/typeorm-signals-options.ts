import { SignalsConfigError } from '../errors/signals-config.error.js';

/** Options of the invalidation outbox (`TypeOrmSignalsModule.forRoot({ outbox: { ... } })`). */
export interface InvalidationOutboxOptions {
  /**
   * Milliseconds between two sweeps: how often every process looks for outbox rows left behind (Redis refused the
   * invalidation, or the process that committed died) and applies them. Bounds how long another process may serve
   * an invalidated entry once Redis accepts writes again.
   * @default 1000
   */
  sweepIntervalMs?: number;
  /** Rows read per query of a sweep (`SELECT ... LIMIT batchSize`); a sweep reads on until the table is done. @default 100 */
  batchSize?: number;
}

/** Options of `TypeOrmSignalsModule.forRoot` (besides the `dataSource` and `isGlobal` extras). */
export interface TypeOrmSignalsOptions {
  /**
   * Log a warning (once per entity and operation) when TypeORM reports a write without the entity's identity
   * (query-builder `update()`/`delete()`/`insert()`, `repository.update/delete/insert`): no signal is sent for
   * it, call `signalBulkWrite` after it. Turn it off once every such write does.
   * @default true
   */
  warnOnBulkWrites?: boolean;
  /**
   * Make the cache invalidations of this DataSource's transactions durable: their tags are written to the
   * `StashInvalidationOutbox` table inside the transaction, the row is deleted once the invalidation reached
   * Redis, and every process sweeps the rows left behind. `true` takes the defaults. The entity must be in the
   * DataSource's `entities` (and its table created, by `synchronize` or `CreateStashInvalidationOutbox1795435200000`).
   * @default false
   */
  outbox?: boolean | InvalidationOutboxOptions;
}

/** The outbox options with every default applied. */
export interface ResolvedInvalidationOutboxOptions {
  readonly sweepIntervalMs: number;
  readonly batchSize: number;
}

/** `TypeOrmSignalsModule` options after validation (frozen). */
export interface ResolvedTypeOrmSignalsOptions {
  readonly warnOnBulkWrites: boolean;
  /** `false` when the outbox is off. */
  readonly outbox: ResolvedInvalidationOutboxOptions | false;
}

/** Defaults of every optional `TypeOrmSignalsModule` option. */
export const TYPEORM_SIGNALS_DEFAULTS: ResolvedTypeOrmSignalsOptions = Object.freeze({
  warnOnBulkWrites: true,
  outbox: false,
});

/** Defaults of the outbox options, when the outbox is on. */
export const INVALIDATION_OUTBOX_DEFAULTS: ResolvedInvalidationOutboxOptions = Object.freeze({
  sweepIntervalMs: 1_000,
  batchSize: 100,
});

const OPTION_NAMES = new Set(['warnOnBulkWrites', 'outbox']);
const OUTBOX_OPTION_NAMES = new Set(['sweepIntervalMs', 'batchSize']);
// setTimeout turns longer delays into 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

export function resolveTypeOrmSignalsOptions(raw: TypeOrmSignalsOptions | undefined): ResolvedTypeOrmSignalsOptions {
  const options: unknown = raw ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new SignalsConfigError('(options)', options, 'an object');
  }
  for (const [key, value] of Object.entries(options)) {
    if (!OPTION_NAMES.has(key)) {
      throw new SignalsConfigError(key, value, 'one of dataSource, warnOnBulkWrites, outbox, isGlobal');
    }
  }
  const { warnOnBulkWrites = TYPEORM_SIGNALS_DEFAULTS.warnOnBulkWrites, outbox } = options as TypeOrmSignalsOptions;
  if (typeof warnOnBulkWrites !== 'boolean') {
    throw new SignalsConfigError('warnOnBulkWrites', warnOnBulkWrites, 'a boolean');
  }
  return Object.freeze({ warnOnBulkWrites, outbox: resolveOutbox(outbox) });
}

function resolveOutbox(outbox: unknown): ResolvedInvalidationOutboxOptions | false {
  if (outbox === undefined || outbox === false) return false;
  if (outbox === true) return INVALIDATION_OUTBOX_DEFAULTS;
  if (typeof outbox !== 'object' || outbox === null || Array.isArray(outbox)) {
    throw new SignalsConfigError('outbox', outbox, 'a boolean or an object { sweepIntervalMs?, batchSize? }');
  }
  for (const [key, value] of Object.entries(outbox)) {
    if (!OUTBOX_OPTION_NAMES.has(key)) {
      throw new SignalsConfigError(`outbox.${key}`, value, 'one of sweepIntervalMs, batchSize');
    }
  }
  const {
    sweepIntervalMs = INVALIDATION_OUTBOX_DEFAULTS.sweepIntervalMs,
    batchSize = INVALIDATION_OUTBOX_DEFAULTS.batchSize,
  } = outbox as InvalidationOutboxOptions;
  return Object.freeze({
    sweepIntervalMs: integer('outbox.sweepIntervalMs', sweepIntervalMs, 10, MAX_TIMER_MS, 'milliseconds'),
    batchSize: integer('outbox.batchSize', batchSize, 1, 10_000, 'rows'),
  });
}

function integer(option: string, value: unknown, min: number, max: number, unit: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SignalsConfigError(option, value, `an integer from ${min} to ${max} (${unit})`);
  }
  return value;
}
