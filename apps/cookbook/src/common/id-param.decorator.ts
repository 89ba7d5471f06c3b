import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { parseRecordId } from './record-id.js';

/**
 * A record id from the route (`@IdParam() id: number` reads `:id`): 400 unless it is a positive integer in
 * range. A custom parameter decorator rather than `@Param('id', pipe)`, because the global ValidationPipe
 * (transform: true) would first coerce the text with `Number()`, turning `1e9999` into Infinity and `0x10` into
 * 16 before any pipe could reject it.
 */
export const IdParam = createParamDecorator((name: string | undefined, context: ExecutionContext): number => {
  const param = name ?? 'id';
  const text = context.switchToHttp().getRequest<Request>().params[param];
  const id = typeof text === 'string' ? parseRecordId(text) : undefined;
  if (id === undefined) {
    throw new BadRequestException(`${param} must be a positive integer id, not ${JSON.stringify(text ?? null)}`);
  }
  return id;
});
