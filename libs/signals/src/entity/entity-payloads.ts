/** An entity class: the `sender` of the entity signals. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- entity constructors take any arguments.
export type EntityClass<E = unknown> = abstract new (...args: any[]) => E;

/** Payload of `preSave`: sent before an insert (`created`) or an update is written. */
export interface EntityPreSavePayload<E = unknown> {
  readonly sender: EntityClass<E>;
  /** The entity being saved (the very object passed to the ORM). */
  readonly instance: E;
  readonly created: boolean;
  /** Name of the data source (Django's `using`), when the adapter knows it. */
  readonly using?: string;
}

/** Payload of `postSave` and `postSaveCommitted`. */
export interface EntitySavePayload<E = unknown> {
  readonly sender: EntityClass<E>;
  /**
   * The saved entity: the object passed to the ORM for `postSave`; for `postSaveCommitted`, a copy taken when
   * the row was written (later changes to the entity do not show).
   */
  readonly instance: E;
  /** True for an insert, false for an update. */
  readonly created: boolean;
  /** Property names of the columns and relations an update changed; absent for inserts and unknown changes. */
  readonly updateFields?: readonly string[];
  /** The row as the ORM loaded it before an update (so receivers can act on the old values too). */
  readonly previous?: E;
  /** Name of the data source (Django's `using`), when the adapter knows it. */
  readonly using?: string;
}

/** Payload of `preDelete`, `postDelete` and `postDeleteCommitted`. */
export interface EntityDeletePayload<E = unknown> {
  readonly sender: EntityClass<E>;
  /**
   * The deleted entity, still carrying its primary key. For `postDelete` and `postDeleteCommitted` it is a copy
   * taken when the row was deleted (ORMs such as TypeORM clear the key on the original object).
   */
  readonly instance: E;
  /** Name of the data source (Django's `using`), when the adapter knows it. */
  readonly using?: string;
}
