import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A cookbook user (the API shows `{ id, username }`, see auth/signed-in-user.ts). */
@Entity({ name: 'users' })
@Unique('UQ_users_username', ['username'])
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 150 })
  username!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 150 })
  displayName!: string;

  /** `scrypt$<salt>$<digest>` (base64), see auth/password-hash.ts. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;
}
