import { Inject, Injectable, Logger, NotFoundException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { CacheService } from '@stash/cache';
import { SESSION_OPTIONS, SessionService, type ResolvedSessionOptions } from '@stash/session';
import type { Request } from 'express';
import { dashboardTag } from '../../cache/cache-tags.js';
import { parseRecordId } from '../../common/record-id.js';
import { RecipesService } from '../../recipes/recipes.service.js';
import { RecipeViews } from './recipe-views.service.js';

/**
 * Counts a view of `/cookbook/recipes/:id`. A guard because guards run before interceptors: the page cache
 * answers a hit without running the handler, and the view still counts.
 *
 * Only recipes that exist are counted: the id must be canonical (`parseRecordId`) and the recipe must be found
 * (`RecipesService.get`, the same cached read the page uses, so a page hit costs one cache round trip here).
 * Junk ids (`/cookbook/recipes/99999999`, `/cookbook/recipes/abc`) therefore never become members of the sorted
 * set, which stays as large as the number of recipes.
 *
 * The viewer's recent list is kept only when the request carries a session cookie, so anonymous visitors never
 * reach the session store; their pages stay shared (no `Vary: Cookie`). Everything here fails open: the page is
 * served whatever happens to the counting.
 */
@Injectable()
export class CountRecipeViewGuard implements CanActivate {
  private readonly logger = new Logger('CookbookViews');

  constructor(
    private readonly recipes: RecipesService,
    private readonly views: RecipeViews,
    private readonly sessions: SessionService,
    private readonly cache: CacheService,
    @Inject(SESSION_OPTIONS) private readonly sessionOptions: ResolvedSessionOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    try {
      await this.count(req);
    } catch (error) {
      this.logger.warn(`A view of ${req.originalUrl} was not counted: ${(error as Error)?.message ?? error}`);
    }
    return true;
  }

  private async count(req: Request): Promise<void> {
    const id = parseRecordId(String(req.params.id ?? ''));
    if (id === undefined || !(await this.exists(id))) return;
    const viewer = await this.viewerOf(req);
    const recentChanged = await this.views.record(id, viewer);
    // The dashboard lists recent views: it must not be served from the cache without this one.
    if (recentChanged && viewer !== undefined) await this.cache.invalidateTags([dashboardTag(viewer)], { retry: true });
  }

  private async exists(id: number): Promise<boolean> {
    try {
      await this.recipes.get(id);
      return true;
    } catch (error) {
      if (error instanceof NotFoundException) return false;
      throw error;
    }
  }

  private async viewerOf(req: Request): Promise<number | undefined> {
    if (!hasCookie(req, this.sessionOptions.cookie.name)) return undefined;
    try {
      const userId = await this.sessions.getUserId(req);
      return userId === undefined ? undefined : parseRecordId(userId);
    } catch {
      // Sessions unreachable (503 elsewhere): count the view as anonymous rather than fail the page.
      return undefined;
    }
  }
}

function hasCookie(req: Request, name: string): boolean {
  const header = req.headers.cookie;
  return typeof header === 'string' && header.split(';').some((pair) => pair.trim().startsWith(`${name}=`));
}
