import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Name of the outbox table. */
export const OUTBOX_TABLE = 'stash_invalidation_outbox';

/**
 * One row of the invalidation outbox (`TypeOrmSignalsModule.forRoot({ outbox: true })`): the cache tags one
 * committed transaction invalidates in one cache. Written inside the transaction, just before its COMMIT; deleted
 * once the invalidation reached Redis; replayed by every process's sweep until then. Register it in the
 * DataSource's `entities` (it works with `synchronize: true`), and create the table with
 * `CreateStashInvalidationOutbox1795435200000` in `migrations` otherwise.
 */
@Entity(OUTBOX_TABLE)
export class StashInvalidationOutbox {
  /** A random UUID, chosen by the writer: no sequence to wrap or to read back, the same on every database. */
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  /** The `@stash/cache` cache name (`getCacheToken(name)`) the tags belong to. */
  @Column('varchar', { name: 'cache_name', length: 255 })
  cacheName!: string;

  /** The tags, as a JSON array in a text column. */
  @Column('simple-json')
  tags!: string[];

  /** When the row was written (the database's clock). */
  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
