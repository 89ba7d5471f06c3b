import { join } from 'node:path';
import { buildForNode } from '../support/node-build.js';

/** The cookbook's sources and the libraries it imports through `@stash/*` (their `.lua` scripts included). */
const COOKBOOK_SOURCES = ['apps/cookbook/src', 'libs/cache/src', 'libs/session/src', 'libs/signals/src'] as const;

/** The cookbook compiled for plain Node. */
export interface CookbookBuild {
  /** The build's directory (under `node_modules/.cache`). */
  readonly dir: string;
  /** The entry script: `apps/cookbook/src/main.js` in `dir`. */
  readonly main: string;
}

let building: Promise<CookbookBuild> | undefined;

/**
 * The cookbook (apps/cookbook/src and libs/*\/src) transpiled for plain Node, as `nest build cookbook` would
 * compile it but in about 2 s instead of 25: once per content of the sources, shared by every jest worker and
 * parallel run (see `buildForNode`). Templates are not copied: the app finds `apps/cookbook/views` by walking up
 * from its own files, which reaches the repository's copy.
 */
export function cookbookBuild(): Promise<CookbookBuild> {
  building ??= buildForNode({ name: 'cookbook', sources: COOKBOOK_SOURCES }).then((dir) => ({
    dir,
    main: join(dir, 'apps/cookbook/src/main.js'),
  }));
  // A failed build is not remembered: the next call tries again.
  building.catch(() => (building = undefined));
  return building;
}
