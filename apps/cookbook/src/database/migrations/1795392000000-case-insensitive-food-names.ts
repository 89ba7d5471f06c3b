import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Food names become unique ignoring case: "Flour" is "flour". Foods that differ only in case (the add-recipe form
 * used to create them next to the fixtures' lower-case ones) are merged first into the oldest of them: their
 * ingredients are moved to it, then they are deleted. Then a unique index on `LOWER(name)` keeps them merged; the
 * app looks names up with the same expression (foods/food-name.ts). Plain SQL that SQLite and PostgreSQL both run.
 *
 * The merge runs behind the ORM's back, so no signal invalidates what a running cache holds of the merged foods:
 * cached recipes may show a merged spelling until CACHE_TTL ends them.
 */
export class CaseInsensitiveFoodNames1795392000000 implements MigrationInterface {
  readonly name = 'CaseInsensitiveFoodNames1795392000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const foods = tableName(queryRunner, 'foods');
    const ingredients = tableName(queryRunner, 'ingredients');
    // The food each food is merged into: the one with the smallest id among those with its name in lower case.
    const keeper = (food: string) => `(SELECT MIN(k.id) FROM ${foods} k WHERE LOWER(k.name) = LOWER(${food}.name))`;
    await queryRunner.query(
      `UPDATE ${ingredients} AS i SET food_id = (SELECT ${keeper('f')} FROM ${foods} f WHERE f.id = i.food_id) ` +
        `WHERE i.food_id IN (SELECT f.id FROM ${foods} f WHERE f.id <> ${keeper('f')})`,
    );
    await queryRunner.query(`DELETE FROM ${foods} AS d WHERE d.id <> ${keeper('d')}`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_foods_name_lower" ON ${foods} (LOWER("name"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The index lives in the table's schema; PostgreSQL wants it qualified, SQLite has no schemas.
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP INDEX ${schema ? `"${schema}".` : ''}"UQ_foods_name_lower"`);
  }
}

// The app's PostgreSQL tables live in DATABASE_URL's `?schema=`, which TypeORM does not put on the search path.
function tableName(queryRunner: QueryRunner, table: string): string {
  const schema = schemaOf(queryRunner);
  return schema ? `"${schema}"."${table}"` : `"${table}"`;
}

function schemaOf(queryRunner: QueryRunner): string | undefined {
  const options = queryRunner.connection.options;
  return options.type === 'postgres' ? options.schema : undefined;
}
