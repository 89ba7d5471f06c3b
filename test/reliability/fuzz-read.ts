import type { ReadEvent } from './fuzz-history.js';
import type { LoopbackHttp } from './fuzz-http.js';
import type { ReadOp } from './fuzz-schedule.js';
import { readUrl, showsAll, versionsShown } from './fuzz-versions.js';

/** A read that answered something other than 200: its status and the start of its body. */
export interface FailedRead extends ReadEvent {
  readonly body?: string;
}

/**
 * One read op: a GET of its path, and the versions the answer shows (of every recipe of the run for the list
 * paths, of the op's recipe otherwise). Never throws: a request that fails is a read with `error`.
 */
export async function readOnce(
  http: LoopbackHttp,
  op: ReadOp,
  index: number,
  recordId: number,
  pool: readonly number[],
): Promise<FailedRead> {
  const url = readUrl(op.path, recordId);
  const startedAt = performance.now();
  try {
    const answer = await http.send('GET', url);
    const cache = answer.headers['x-cache'];
    const ok = answer.status === 200;
    return {
      op: index,
      path: op.path,
      url,
      startedAt: answer.startedAt,
      endedAt: answer.endedAt,
      status: answer.status,
      ...(typeof cache === 'string' ? { cache } : {}),
      observations: ok ? versionsShown(op.path, answer.body, showsAll(op.path) ? pool : [recordId]) : [],
      ...(ok ? {} : { body: answer.body.slice(0, 200) }),
    };
  } catch (error) {
    const message = (error as Error).message;
    return {
      op: index,
      path: op.path,
      url,
      startedAt,
      endedAt: performance.now(),
      status: 0,
      observations: [],
      error: message,
    };
  }
}
