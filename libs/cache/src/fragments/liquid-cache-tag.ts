import {
  Tag,
  evalQuotedToken,
  evalTokenValue,
  toPromise,
  type Arguments,
  type Context,
  type Emitter,
  type Liquid,
  type Parser,
  type TagToken,
  type Template,
  type TopLevelToken,
  type ValueToken,
} from 'liquidjs';
import type { CacheService } from '../cache.service.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';

/** Options of `registerLiquidCacheTag`. */
export interface LiquidCacheTagOptions {
  /** Name of the tag; its block ends with `end<tagName>`. @default 'cache' */
  tagName?: string;
}

const TAG_NAME = /^[A-Za-z_][\w]*$/;
const NUMERIC = /^\s*\d+(\.\d+)?\s*$/;

/**
 * Registers Django's `{% cache %}` tag on a liquidjs engine, storing fragments in `cache`:
 *
 * ```liquid
 * {% cache 500 "sidebar" user.id user.locale %}...{% endcache %}
 * {% cache nil "footer" %}...{% endcache %}
 * ```
 *
 * The first argument is the TTL in seconds, a Liquid expression evaluated in the render context (a number, a
 * numeric string, or `nil`/`null` for never expires); the second is the fragment's name, taken literally
 * (quoted, or a bare word as in Django); the rest are the vary-on values, Liquid expressions. The body is rendered
 * only on a miss, through `CacheService.fragment` (so concurrent renders of a cold fragment render it once), with
 * the surrounding context; a render error is not cached. `CacheService.invalidateFragment(name, varyOn)` drops a
 * fragment. Assignments made inside the body do not happen on a hit, as in Django.
 * The tag needs asynchronous rendering (`render`, `parseAndRender`, `renderFile`); `renderSync` throws.
 * @param liquid the engine to register the tag on.
 * @param cache the cache that stores the fragments (inject `CacheService`, or `@InjectCache(name)`).
 * @param options `tagName` (default `cache`): register several caches under different tag names.
 * @throws CacheArgumentError when `tagName` is not an identifier; at render time, when the TTL is not seconds or nil.
 * @example registerLiquidCacheTag(liquid, cacheService);
 */
export function registerLiquidCacheTag(liquid: Liquid, cache: CacheService, options: LiquidCacheTagOptions = {}): void {
  const tagName = options.tagName ?? 'cache';
  if (typeof tagName !== 'string' || !TAG_NAME.test(tagName)) {
    throw new CacheArgumentError('registerLiquidCacheTag', 'tagName', tagName, 'a Liquid tag name such as "cache"');
  }
  liquid.registerTag(
    tagName,
    class extends CacheBlockTag {
      constructor(token: TagToken, remainTokens: TopLevelToken[], engine: Liquid, parser: Parser) {
        super(token, remainTokens, engine, parser, cache, tagName);
      }
    },
  );
}

class CacheBlockTag extends Tag {
  private readonly ttl: ValueToken;
  private readonly fragmentName: string;
  private readonly varyOn: ValueToken[] = [];
  private readonly templates: Template[] = [];

  constructor(
    token: TagToken,
    remainTokens: TopLevelToken[],
    liquid: Liquid,
    parser: Parser,
    private readonly cache: CacheService,
    private readonly tagName: string,
  ) {
    super(token, remainTokens, liquid);
    const usage = `{% ${tagName} <ttl seconds | nil> "<name>" [vary-on ...] %}`;
    const ttl = this.tokenizer.readValue();
    if (!ttl) throw this.tokenizer.error(`${tagName}: expected a TTL in seconds (or nil): ${usage}`);
    this.ttl = ttl;
    this.tokenizer.skipBlank();
    const quoted = this.tokenizer.readQuoted();
    const name = quoted ? evalQuotedToken(quoted) : this.tokenizer.readNonEmptyIdentifier()?.content;
    if (!name) throw this.tokenizer.error(`${tagName}: expected a fragment name: ${usage}`);
    this.fragmentName = name;
    for (this.tokenizer.skipBlank(); !this.tokenizer.end(); this.tokenizer.skipBlank()) {
      const value = this.tokenizer.readValue();
      if (!value) throw this.tokenizer.error(`${tagName}: expected a vary-on value: ${usage}`);
      this.varyOn.push(value);
    }
    const stream = parser
      .parseStream(remainTokens)
      .on(`tag:end${tagName}`, () => stream.stop())
      .on('template', (template: Template) => this.templates.push(template))
      .on('end', () => {
        throw new Error(`tag ${token.getText()} not closed`);
      });
    stream.start();
  }

  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    if (ctx.sync) {
      throw new CacheArgumentError(
        `{% ${this.tagName} %}`,
        'render mode',
        'renderSync',
        'asynchronous rendering (render, parseAndRender, renderFile): the cache is read over the network',
      );
    }
    const ttl = fragmentTtl(this.tagName, yield evalTokenValue(this.ttl, ctx));
    const varyOn: unknown[] = [];
    for (const token of this.varyOn) varyOn.push(yield evalTokenValue(token, ctx));
    const text = yield this.cache.fragment(this.fragmentName, varyOn, ttl, async () => {
      const body: unknown = await toPromise(this.liquid.renderer.renderTemplates(this.templates, ctx));
      // keepOutputType can leave a single non-string value in the buffer.
      return typeof body === 'string' ? body : String(body ?? '');
    });
    emitter.write(text);
  }

  *children(): Generator<unknown, Template[]> {
    return this.templates;
  }

  *arguments(): Arguments {
    yield this.ttl;
    yield* this.varyOn;
  }
}

function fragmentTtl(tagName: string, value: unknown): number | null {
  if (value === null) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  throw new CacheArgumentError(`{% ${tagName} %}`, 'ttl', value, 'seconds (a number), or nil for never expires');
}
