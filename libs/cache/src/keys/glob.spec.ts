import { escapeGlob } from './glob.js';

/** Redis's stringmatch for the subset we use (`*`, `?`, `[...]`, `\` escapes), to show what a pattern matches. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\') source += escapeRegExp(glob[++i] ?? '\\');
    else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      source += `[${glob.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
      i = end;
    } else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

describe('escapeGlob', () => {
  it.each<[string, string]>([
    ['plain', 'plain'],
    ['', ''],
    ['a*b', 'a\\*b'],
    ['a?b', 'a\\?b'],
    ['[abc]', '\\[abc\\]'],
    ['back\\slash', 'back\\\\slash'],
    ['*?[]\\', '\\*\\?\\[\\]\\\\'],
    ['user:42', 'user:42'],
    ['a^b-c{d}', 'a^b-c{d}'],
    ['café 🍰', 'café 🍰'],
    ['**', '\\*\\*'],
  ])('escapes %j as %j', (text, expected) => {
    expect(escapeGlob(text)).toBe(expected);
  });

  it.each<[string, string, boolean]>([
    ['a*b', 'a*b', true],
    ['a*b', 'aXb', false],
    ['a?b', 'aXb', false],
    ['[ab]', 'a', false],
    ['[ab]', '[ab]', true],
    ['x\\y', 'x\\y', true],
    ['x\\y', 'xy', false],
  ])('makes %j match only itself: against %j → %s', (text, candidate, matches) => {
    expect(globToRegExp(escapeGlob(text)).test(candidate)).toBe(matches);
  });

  it('leaves a user glob around the escaped part working', () => {
    const pattern = `user:${escapeGlob('a*[1]')}:*`;
    const re = globToRegExp(pattern);
    expect(re.test('user:a*[1]:profile')).toBe(true);
    expect(re.test('user:aXYZ1:profile')).toBe(false);
    expect(re.test('user:a*[1]')).toBe(false);
  });
});
