import type { ValidationPipeOptions } from '@nestjs/common';

/**
 * How request bodies are validated: unknown fields are refused (not silently dropped) and bodies become DTO
 * instances. The global pipe uses it, and the add-recipe form runs its fields through the same settings.
 */
export const VALIDATION_OPTIONS: Readonly<ValidationPipeOptions> = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
});
