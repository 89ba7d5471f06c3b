import { Signal } from '../signal/signal.js';
import type { EntityDeletePayload, EntityPreSavePayload, EntitySavePayload } from './entity-payloads.js';

// The payload types are generic in the entity; a signal carries every entity type, so its payload is `any`
// entity and receivers narrow it with `sender` (as `@Receiver(postSave, { sender: Recipe })` does).
/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Sent before an entity is inserted or updated, inside the ORM operation (and its transaction), with `send`
 * semantics: a receiver error aborts the write. Django's `pre_save`.
 */
export const preSave = new Signal<EntityPreSavePayload<any>>('preSave');

/**
 * Sent after an entity was inserted or updated, inside the ORM operation (before the transaction commits), with
 * `send` semantics: a receiver error aborts the write and rolls the transaction back. Django's `post_save`.
 */
export const postSave = new Signal<EntitySavePayload<any>>('postSave');

/** Sent before an entity is deleted, with `send` semantics (an error aborts the delete). Django's `pre_delete`. */
export const preDelete = new Signal<EntityDeletePayload<any>>('preDelete');

/** Sent after an entity was deleted, before the transaction commits, with `send` semantics. Django's `post_delete`. */
export const postDelete = new Signal<EntityDeletePayload<any>>('postDelete');

/**
 * `postSave` once the outermost transaction committed (Django's `transaction.on_commit`), with `sendRobust`
 * semantics (errors are logged, never thrown); never sent when the transaction rolls back. Carries a snapshot
 * taken when the row was written. Cache invalidation belongs here.
 */
export const postSaveCommitted = new Signal<EntitySavePayload<any>>('postSaveCommitted');

/** `postDelete` once the outermost transaction committed, with `sendRobust` semantics and a snapshot payload. */
export const postDeleteCommitted = new Signal<EntityDeletePayload<any>>('postDeleteCommitted');
