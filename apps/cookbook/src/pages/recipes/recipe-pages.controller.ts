import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Get,
  Header,
  HttpException,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { CacheControl, CachePage, NeverCache } from '@stash/cache';
import { SessionService } from '@stash/session';
import type { Request, Response } from 'express';
import { RECIPES_TAG, recipeTag } from '../../cache/cache-tags.js';
import { parseRecordId } from '../../common/record-id.js';
import { CookbookValidationPipe } from '../../common/cookbook-validation.pipe.js';
import { CreateRecipeDto } from '../../recipes/dto/create-recipe.dto.js';
import { RecipeWritesService } from '../../recipes/recipe-writes.service.js';
import { RecipesService } from '../../recipes/recipes.service.js';
import { CsrfGuard } from '../../csrf/csrf.guard.js';
import { csrfTokenOf, type CsrfSession } from '../../csrf/csrf-token.js';
import { InjectLoaderHook, type LoaderHook } from '../../cache/cached-read.js';
import { RateLimit } from '../../rate-limit/rate-limit.decorator.js';
import { AfterSignIn } from '../account/after-sign-in.decorator.js';
import { LoginRequiredFilter } from '../account/login-required.filter.js';
import { LoginRequiredGuard } from '../account/login-required.guard.js';
import { CurrentPageUser, type PageUser } from '../account/page-user.js';
import { POPULAR_FRAGMENT_TTL } from '../liquid/liquid-engine.provider.js';
import { PageRenderer } from '../liquid/page-renderer.service.js';
import { HTML, REVALIDATE } from '../page-headers.js';
import { CountRecipeViewGuard } from '../popularity/count-view.guard.js';
import { POPULAR_LIMIT } from '../popularity/popular.controller.js';
import { PopularRecipes } from '../popularity/popular-recipes.service.js';
import { recipeFormBody, recipeFormOf, type RecipeForm } from './recipe-form.js';
import { NotFoundPageFilter } from './not-found-page.filter.js';

/**
 * Lifetime of a recipe page in the page cache, in seconds. Shorter than CACHE_TTL (which `/cookbook/` uses): the
 * page embeds the "most viewed" sidebar, which should not lag the view counts by more than about a minute.
 */
export const RECIPE_PAGE_TTL = 60;

const EMPTY_FORM: RecipeForm = { name: '', description: '', ingredients: '' };
// The API's validation (the global pipe's settings), run on the form's fields.
const API_VALIDATION = new CookbookValidationPipe();

/** Tags of a recipe page: any recipe write (the sidebar names other recipes), and this recipe's. */
function recipePageTags(req: Request): string[] {
  const id = parseRecordId(String(req.params.id ?? ''));
  return id === undefined ? [RECIPES_TAG] : [RECIPES_TAG, recipeTag(id)];
}

@Controller('cookbook')
@UseFilters(LoginRequiredFilter, NotFoundPageFilter)
export class RecipePagesController {
  constructor(
    private readonly recipes: RecipesService,
    private readonly writes: RecipeWritesService,
    private readonly renderer: PageRenderer,
    private readonly popular: PopularRecipes,
    private readonly sessions: SessionService,
    @InjectLoaderHook() private readonly loaderHook: LoaderHook,
  ) {}

  /**
   * Every recipe with its ingredients, cached whole until a recipe, ingredient or food changes. Public and the
   * same for every anonymous visitor, with no guard of its own: edge-served with CACHE_NEAR=1 (see page-ttl.ts).
   */
  @Get()
  @Header('Content-Type', HTML)
  @CachePage({ tags: [RECIPES_TAG], queryParams: [], edge: true })
  @CacheControl(REVALIDATE)
  async index(): Promise<string> {
    await this.loaderHook.beforeLoad('page:/cookbook/');
    const { value: recipes } = await this.recipes.list();
    return this.renderer.render('recipes', { title: 'Recipes', recipes });
  }

  /** The add-recipe form (signed in). Declared before `recipes/:id`, which would otherwise match `new`. */
  @Get('recipes/new')
  @Header('Content-Type', HTML)
  @UseGuards(LoginRequiredGuard)
  @NeverCache()
  newRecipe(@Req() req: Request, @CurrentPageUser() user: PageUser): Promise<string> {
    return this.renderForm(req, user, EMPTY_FORM, []);
  }

  /**
   * Creates a recipe from the form through the same service, validation and write limit as `POST /api/recipes`,
   * then redirects to it (303: the browser follows with a GET). Errors re-render the form, as typed, with a 400.
   * A visitor who is not signed in signs in and comes back to the form.
   */
  @Post('recipes')
  @RateLimit('api-write')
  @AfterSignIn('/cookbook/recipes/new')
  @UseGuards(LoginRequiredGuard, CsrfGuard)
  async create(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPageUser() user: PageUser,
    @Body() fields: unknown,
  ): Promise<void> {
    const form = recipeFormOf(fields);
    const parsed = recipeFormBody(form);
    let errors = 'errors' in parsed ? parsed.errors : [];
    if ('body' in parsed) {
      try {
        const input = (await API_VALIDATION.transform(parsed.body, {
          type: 'body',
          metatype: CreateRecipeDto,
        })) as CreateRecipeDto;
        const recipe = await this.writes.create(input);
        res.redirect(303, `/cookbook/recipes/${recipe.id}`);
        return;
      } catch (error) {
        if (!isInputError(error)) throw error;
        errors = messagesOf(error);
      }
    }
    res
      .status(400)
      .type('html')
      .send(await this.renderForm(req, user, form, errors));
  }

  /**
   * One recipe and the most viewed ones. Views are counted by `CountRecipeViewGuard`, before the page cache
   * answers. Unknown and malformed ids get the 404 page, which is never cached.
   */
  @Get('recipes/:id')
  @Header('Content-Type', HTML)
  @UseGuards(CountRecipeViewGuard)
  @CachePage({ ttl: RECIPE_PAGE_TTL, tags: recipePageTags, queryParams: [] })
  @CacheControl(REVALIDATE)
  async show(@Param('id') text: string): Promise<string> {
    const id = parseRecordId(text);
    if (id === undefined) throw new NotFoundException(`There is no recipe ${JSON.stringify(text)}.`);
    await this.loaderHook.beforeLoad(`page:/cookbook/recipes/${id}`);
    const { value: recipe } = await this.recipes.get(id);
    return this.renderer.render('recipe', {
      title: recipe.name,
      recipe,
      popularTtl: POPULAR_FRAGMENT_TTL,
      // Read by the template only when the sidebar fragment is not cached.
      popular: { top: () => this.popular.top(POPULAR_LIMIT) },
    });
  }

  private async renderForm(req: Request, user: PageUser, form: RecipeForm, errors: readonly string[]): Promise<string> {
    const session = await this.sessions.load<CsrfSession>(req);
    return this.renderer.render('recipe-form', {
      title: 'Add a recipe',
      account: user,
      csrfToken: csrfTokenOf(session),
      form,
      errors,
    });
  }
}

function isInputError(error: unknown): error is HttpException {
  return (
    error instanceof BadRequestException || error instanceof ConflictException || error instanceof NotFoundException
  );
}

/** The messages of a validation error (`message: string[]`) or of a conflict (`message: string`). */
function messagesOf(error: HttpException): string[] {
  const response = error.getResponse();
  const message =
    typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
  return Array.isArray(message) ? message.map(String) : [String(message ?? error.message)];
}
