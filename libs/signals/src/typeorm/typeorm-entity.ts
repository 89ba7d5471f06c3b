import type { EntityMetadata, ObjectLiteral } from 'typeorm';
import type { EntityClass } from '../entity/entity-payloads.js';
import { snapshot } from '../entity/snapshot.js';
import { StashInvalidationOutbox } from './outbox/stash-invalidation-outbox.entity.js';

/**
 * The entity class of a metadata (the signals' `sender`); `undefined` for EntitySchema entities without one, and
 * for the outbox's own rows (its writes skip listeners already; this keeps any other write of them silent too).
 */
export function senderOf(metadata: EntityMetadata): EntityClass | undefined {
  if (typeof metadata.target !== 'function' || metadata.target === StashInvalidationOutbox) return undefined;
  return metadata.target as EntityClass;
}

/** True when TypeORM's `entityId` (a value, or an id map for composite keys) identifies a row. */
export function isIdentified(entityId: unknown): boolean {
  return entityId !== undefined && entityId !== null;
}

/**
 * A copy of a removed entity with its primary key put back: TypeORM clears the key on the original object
 * before the after-remove event, but receivers (and cache tags such as `recipe:{id}`) need it.
 */
export function withPrimaryKey<E extends ObjectLiteral>(
  metadata: EntityMetadata,
  entity: E,
  databaseEntity: ObjectLiteral | undefined,
  entityId: unknown,
): E {
  const copy = snapshot(entity);
  const single = metadata.primaryColumns.length === 1;
  for (const column of metadata.primaryColumns) {
    if (column.getEntityValue(copy) !== undefined && column.getEntityValue(copy) !== null) continue;
    let value: unknown = databaseEntity ? column.getEntityValue(databaseEntity) : undefined;
    if (value === undefined && isIdentified(entityId)) {
      // getEntityIdMixedMap gives the bare value for a single primary column, an id map otherwise.
      value = single && typeof entityId !== 'object' ? entityId : column.getEntityValue(entityId as ObjectLiteral);
    }
    if (value !== undefined) column.setEntityValue(copy, value);
  }
  return copy;
}

/** Property paths of the columns and relations an update changed, without duplicates. */
export function changedFields(
  columns: readonly { propertyPath: string }[],
  relations: readonly { propertyPath: string }[],
): string[] {
  return [...new Set([...columns, ...relations].map((field) => field.propertyPath))];
}
