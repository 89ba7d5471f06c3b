import { Inject, Injectable } from '@nestjs/common';
import type { Liquid } from 'liquidjs';
import { LIQUID } from './liquid.constants.js';

/**
 * Renders a template to an HTML string. Page handlers return that string rather than using `@Render`, because
 * the page cache stores what a handler returns and deliberately ignores `@Render` routes.
 */
@Injectable()
export class PageRenderer {
  constructor(@Inject(LIQUID) private readonly liquid: Liquid) {}

  /** Renders `views/<view>.liquid` with `data`. */
  async render(view: string, data: Record<string, unknown>): Promise<string> {
    const html: unknown = await this.liquid.renderFile(view, data);
    return String(html);
  }
}
