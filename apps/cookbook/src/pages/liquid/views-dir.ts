import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VIEWS = join('apps', 'cookbook', 'views');

/**
 * The cookbook's template directory, `apps/cookbook/views`. Found by walking up from this file rather than from
 * the working directory, so it is the same from the sources (jest), from `dist/` after `nest build` (which does not
 * copy templates: the walk goes on up to the repository's copy) and whatever directory `npm start` runs in.
 */
export function findViewsDir(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const candidate = join(dir, VIEWS);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir)
      throw new Error(`No ${VIEWS} directory above ${from}: the cookbook's templates are missing.`);
  }
}
