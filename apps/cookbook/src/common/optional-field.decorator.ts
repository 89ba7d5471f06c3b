import { ValidateIf } from 'class-validator';

/**
 * The property may be left out, but when it is given it is validated. Unlike `@IsOptional()`, which also lets
 * `null` through: `{ "recipeId": null }` is a bad request, not "no change".
 */
export const OptionalField = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
