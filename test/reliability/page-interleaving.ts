import type { CookbookProcess } from '../tools/cookbook-process.js';
import type { LoadRequest } from '../tools/http-load.js';
import { READ_PATHS } from './page-expectations.js';
import type { Visitor } from './page-visitors.js';

/** Who sent request `index` of an interleaved load, and to which process. */
export interface PlannedRequest {
  readonly visitor: Visitor;
  readonly target: CookbookProcess;
}

/** A small deterministic generator (mulberry32), so that a failing interleaving can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The Cookie header a visitor sends, if any. */
export function cookieOf(visitor: Visitor): string | undefined {
  return visitor.kind === 'account' ? visitor.account.cookie : visitor.cookie;
}

/**
 * Request `index` of an interleaved load, drawn from `random`: a visitor, a process and a page (a third of them
 * dashboards, the cached per-user page); now and then a signed-in visitor marks or unmarks their toggled
 * favourite, which invalidates their dashboard so that either process fills it again. Records who sent what in
 * `plan[index]`.
 */
export function interleavedRequest(
  index: number,
  random: () => number,
  visitors: readonly Visitor[],
  processes: readonly CookbookProcess[],
  plan: PlannedRequest[],
): LoadRequest {
  const visitor = visitors[Math.floor(random() * visitors.length)]!;
  const target = processes[Math.floor(random() * processes.length)]!;
  plan[index] = { visitor, target };
  const cookie = cookieOf(visitor);
  const headers = cookie ? { Cookie: cookie } : {};
  if (visitor.kind === 'account' && random() < 0.05) {
    const method = random() < 0.5 ? 'POST' : 'DELETE';
    return { method, path: `${target.url}/api/recipes/${visitor.account.toggled}/favorite`, headers, body: {} };
  }
  const path = random() < 1 / 3 ? '/dashboard' : READ_PATHS[Math.floor(random() * READ_PATHS.length)];
  return { path: `${target.url}${path}`, headers };
}
