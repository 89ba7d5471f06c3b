import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { cookbookConfig } from './cookbook.config.js';

/**
 * @nestjs/config, global: `.env` (if present) is loaded into the environment, and the cookbook's validated
 * configuration is available through `InjectCookbookConfig()` or `ConfigService.get('cookbook')`.
 */
@Module({
  imports: [ConfigModule.forRoot({ isGlobal: true, load: [cookbookConfig] })],
})
export class CookbookConfigModule {}
