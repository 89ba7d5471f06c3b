import { Controller, Get, Header, Req, UseFilters, UseGuards } from '@nestjs/common';
import { CacheControl, CachePage, VaryOnCookie } from '@stash/cache';
import { SessionService } from '@stash/session';
import type { Request } from 'express';
import { dashboardTag, RECIPES_TAG } from '../../cache/cache-tags.js';
import { FavoritesService } from '../../favorites/favorites.service.js';
import { csrfTokenOf, type CsrfSession } from '../../csrf/csrf-token.js';
import { InjectLoaderHook, type LoaderHook } from '../../cache/cached-read.js';
import { LoginRequiredFilter } from '../account/login-required.filter.js';
import { LoginRequiredGuard } from '../account/login-required.guard.js';
import { CurrentPageUser, pageUserOf, type PageUser } from '../account/page-user.js';
import { PageRenderer } from '../liquid/page-renderer.service.js';
import { HTML, REVALIDATE } from '../page-headers.js';
import { RecipeNames } from '../popularity/recipe-names.js';
import { RecipeViews } from '../popularity/recipe-views.service.js';

/**
 * The signed-in user's page: their name, favourites and recently viewed recipes.
 *
 * Cached per user without ever reaching another: `LoginRequiredGuard` runs before the page cache, so a request
 * without a signed-in user is redirected before any lookup; the page varies on `Cookie` (declared, and added by
 * the session anyway), so its key holds the session cookie, which only its owner has; and it is tagged
 * `dashboard:user:<id>`, which the user's favourite writes and recent views invalidate (and `recipes`, since it
 * shows recipe names).
 */
@Controller('dashboard')
@UseFilters(LoginRequiredFilter)
@UseGuards(LoginRequiredGuard)
export class DashboardController {
  constructor(
    private readonly favorites: FavoritesService,
    private readonly views: RecipeViews,
    private readonly names: RecipeNames,
    private readonly sessions: SessionService,
    private readonly renderer: PageRenderer,
    @InjectLoaderHook() private readonly loaderHook: LoaderHook,
  ) {}

  @Get()
  @Header('Content-Type', HTML)
  @CachePage({ tags: (req: Request) => [dashboardTag(pageUserOf(req).id), RECIPES_TAG], queryParams: [] })
  @VaryOnCookie()
  @CacheControl(REVALIDATE)
  async show(@Req() req: Request, @CurrentPageUser() user: PageUser): Promise<string> {
    await this.loaderHook.beforeLoad(`page:/dashboard/${user.id}`);
    const session = await this.sessions.load<CsrfSession>(req);
    const [favorites, recent] = await Promise.all([
      this.favorites.list(user.id).then((read) => read.value),
      this.views.recent(user.id).then((ids) => this.names.of(ids)),
    ]);
    return this.renderer.render('dashboard', {
      title: 'Dashboard',
      account: user,
      csrfToken: csrfTokenOf(session),
      favorites,
      recent,
    });
  }
}
