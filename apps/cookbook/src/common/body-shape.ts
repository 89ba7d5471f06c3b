/** How deep a request body may nest: the deepest DTO (a recipe's ingredient's field) is 3 levels down. */
export const MAX_BODY_DEPTH = 8;

// Keys that reach an object's prototype when code copies them (`Object.assign`, merges, class-transformer).
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// A surrogate half without its pair: the database would store U+FFFD instead, silently.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What makes a parsed request body unsafe to hand to validation and the database, one message per problem, each
 * naming the field by its path (`ingredients.0.foodName`): nesting deeper than {@link MAX_BODY_DEPTH} (class-
 * transformer recurses into every level and overflows the stack), prototype keys (which validation's whitelist
 * never sees, since class-transformer skips them), NUL characters (PostgreSQL refuses them in text) and lone
 * surrogates. Empty when there is none.
 */
export function bodyShapeProblems(body: unknown): string[] {
  const problems: string[] = [];
  const pending: [unknown, string, number][] = [[body, '', 0]];
  while (pending.length > 0) {
    const [value, path, depth] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) problems.push(`${path || 'the body'} must not contain NUL characters`);
      else if (LONE_SURROGATE.test(value)) problems.push(`${path || 'the body'} must be well-formed Unicode text`);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_BODY_DEPTH) {
      problems.push(`${path || 'the body'} nests deeper than ${MAX_BODY_DEPTH} levels`);
      continue;
    }
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) problems.push(`property ${at} should not exist`);
      else pending.push([(value as Record<string, unknown>)[key], at, depth + 1]);
    }
  }
  return problems;
}
