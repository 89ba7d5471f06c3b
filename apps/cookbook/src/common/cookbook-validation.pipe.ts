import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { bodyShapeProblems } from './body-shape.js';
import { VALIDATION_OPTIONS } from './validation-options.js';

/**
 * Nest's `ValidationPipe` with the cookbook's options, which first refuses bodies that validation itself cannot
 * handle safely (`bodyShapeProblems`: deep nesting, prototype keys, NUL characters, lone surrogates) with a 400
 * naming the field, as validation errors do.
 */
export class CookbookValidationPipe extends ValidationPipe {
  constructor() {
    super(VALIDATION_OPTIONS);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      const problems = bodyShapeProblems(value);
      if (problems.length > 0) throw new BadRequestException(problems);
    }
    return super.transform(value, metadata);
  }
}
