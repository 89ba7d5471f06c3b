import { Catch, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { PageRenderer } from '../liquid/page-renderer.service.js';

/** A 404 of an HTML page answers an HTML page (the page cache stores only 200s: it is never cached). */
@Catch(NotFoundException)
export class NotFoundPageFilter implements ExceptionFilter<NotFoundException> {
  constructor(private readonly renderer: PageRenderer) {}

  async catch(exception: NotFoundException, host: ArgumentsHost): Promise<void> {
    const res = host.switchToHttp().getResponse<Response>();
    const html = await this.renderer.render('not-found', { title: 'Not found', message: exception.message });
    if (!res.headersSent) res.status(404).type('html').send(html);
  }
}
