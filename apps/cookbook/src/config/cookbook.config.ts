import { Inject } from '@nestjs/common';
import { registerAs } from '@nestjs/config';
import type { CookbookConfig } from './cookbook-config.interface.js';
import { validateEnvironment } from './environment.validation.js';

/**
 * The validated configuration, as a `ConfigModule.forRoot({ load })` factory. A `load` factory runs when the
 * application is built, not when this file is imported (as `forRoot`'s `validate` does): the environment an app
 * is created with is the one it validates and uses, so tests can build apps with different settings.
 */
export const cookbookConfig = registerAs('cookbook', (): CookbookConfig => validateEnvironment(process.env));

/** Injects the validated `CookbookConfig`. */
export const InjectCookbookConfig = (): PropertyDecorator & ParameterDecorator => Inject(cookbookConfig.KEY);
