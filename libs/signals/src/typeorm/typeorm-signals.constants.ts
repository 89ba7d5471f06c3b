/** DI token of the raw `TypeOrmSignalsModule` options. */
export const TYPEORM_SIGNALS_MODULE_OPTIONS = Symbol('TYPEORM_SIGNALS_MODULE_OPTIONS');

/** DI token of the resolved, frozen `TypeOrmSignalsModule` options. */
export const TYPEORM_SIGNALS_OPTIONS = Symbol('TYPEORM_SIGNALS_OPTIONS');

/** DI token of the DataSource the module instruments (an alias of `getDataSourceToken(dataSource)`). @internal */
export const TYPEORM_SIGNALS_DATA_SOURCE = Symbol('TYPEORM_SIGNALS_DATA_SOURCE');

/** DI token of the name of that DataSource. @internal */
export const TYPEORM_SIGNALS_DATA_SOURCE_NAME = Symbol('TYPEORM_SIGNALS_DATA_SOURCE_NAME');
