import { SignalsConfigError } from '../errors/signals-config.error.js';

/** Options of `TypeOrmSignalsModule.forRoot` (besides the `dataSource` and `isGlobal` extras). */
export interface TypeOrmSignalsOptions {
  /**
   * Log a warning (once per entity and operation) when TypeORM reports a write without the entity's identity
   * (query-builder `update()`/`delete()`/`insert()`, `repository.update/delete/insert`): no signal is sent for
   * it, call `signalBulkWrite` after it. Turn it off once every such write does.
   * @default true
   */
  warnOnBulkWrites?: boolean;
}

/** `TypeOrmSignalsModule` options after validation (frozen). */
export interface ResolvedTypeOrmSignalsOptions {
  readonly warnOnBulkWrites: boolean;
}

/** Defaults of every optional `TypeOrmSignalsModule` option. */
export const TYPEORM_SIGNALS_DEFAULTS: ResolvedTypeOrmSignalsOptions = Object.freeze({ warnOnBulkWrites: true });

const OPTION_NAMES = new Set(['warnOnBulkWrites']);

export function resolveTypeOrmSignalsOptions(raw: TypeOrmSignalsOptions | undefined): ResolvedTypeOrmSignalsOptions {
  const options: unknown = raw ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new SignalsConfigError('(options)', options, 'an object');
  }
  for (const [key, value] of Object.entries(options)) {
    if (!OPTION_NAMES.has(key))
      throw new SignalsConfigError(key, value, 'one of dataSource, warnOnBulkWrites, isGlobal');
  }
  const { warnOnBulkWrites = TYPEORM_SIGNALS_DEFAULTS.warnOnBulkWrites } = options as TypeOrmSignalsOptions;
  if (typeof warnOnBulkWrites !== 'boolean') {
    throw new SignalsConfigError('warnOnBulkWrites', warnOnBulkWrites, 'a boolean');
  }
  return Object.freeze({ warnOnBulkWrites });
}
