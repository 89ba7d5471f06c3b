import type { EntityManager } from 'typeorm';
import { Recipe } from '../../apps/cookbook/src/recipes/recipe.entity.js';
import type { FuzzCookbook } from './fuzz-cookbook.js';
import type { LoopbackHttp } from './fuzz-http.js';
import type { ReadEvent, VersionLedger, WriteEvent, WriteOutcome } from './fuzz-history.js';
import type { RecordLocks } from './fuzz-record-locks.js';
import type { RedisFaults } from './fuzz-redis-faults.js';
import type { SeedRecord } from './fuzz-report.js';
import { readOnce } from './fuzz-read.js';
import { describeFault, type ReadOp, type SeedPlan, type WriteFault, type WriteOp } from './fuzz-schedule.js';
import { versionText } from './fuzz-versions.js';

/** What a seed shares with the run: the app, its Redis, the ledger, the recipes, the writer's session. */
export interface SeedContext {
  readonly app: FuzzCookbook;
  readonly redis: RedisFaults;
  readonly ledger: VersionLedger;
  readonly locks: RecordLocks;
  /** The run's recipes (ids); a seed's `records` index into it. */
  readonly pool: readonly number[];
  readonly writerCookie: () => string;
  /** Where read `op` (its index in the seed) is sent. @default the app's own `http`, for every read */
  readonly readerFor?: (op: number) => LoopbackHttp;
}

/** A seed's record plus what went wrong without being a violation. */
export interface SeedOutcome extends SeedRecord {
  /** Writes that answered an error while a Redis fault of the seed was active (a 503 or a lost session). */
  readonly faultWriteErrors: number;
  /** Everything else that answered an error: must be zero. Descriptions. */
  readonly unexpectedErrors: readonly string[];
}

class RollbackFault extends Error {}
class SavepointRollback extends Error {}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs one seed's operations: `concurrency` workers take the next op in order, each after its jitter. */
export async function executeSeed(context: SeedContext, plan: SeedPlan): Promise<SeedOutcome> {
  const execution = new SeedExecution(context, plan);
  return execution.run();
}

class SeedExecution {
  private readonly recordIds: readonly number[];
  private readonly writes: WriteEvent[] = [];
  private readonly reads: ReadEvent[] = [];
  private readonly unexpected: string[] = [];
  private faultWriteErrors = 0;
  /** Set once the seed injected a Redis fault: API write errors from then on are the fault's. */
  private redisFaulted = false;

  constructor(
    private readonly context: SeedContext,
    private readonly plan: SeedPlan,
  ) {
    this.recordIds = plan.records.map((index) => context.pool[index]!);
  }

  async run(): Promise<SeedOutcome> {
    const startedAt = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < this.plan.ops.length) {
        const index = next++;
        const op = this.plan.ops[index]!;
        await sleep(op.jitterMs);
        if (op.kind === 'read') await this.read(op, index);
        else await this.write(op, index);
      }
    };
    await Promise.all(Array.from({ length: this.plan.concurrency }, worker));
    const { plan, recordIds, writes, reads, faultWriteErrors } = this;
    return { plan, startedAt, recordIds, writes, reads, faultWriteErrors, unexpectedErrors: this.unexpected };
  }

  private async read(op: ReadOp, index: number): Promise<void> {
    const http = this.context.readerFor?.(index) ?? this.context.app.http;
    const read = await readOnce(http, op, index, this.recordIds[op.record]!, this.context.pool);
    this.reads.push(read);
    if (read.error !== undefined || read.status !== 200) {
      this.unexpected.push(`read #${index} GET ${read.url}: ${read.error ?? `${read.status} ${read.body}`}`);
    }
  }

  private async write(op: WriteOp, index: number): Promise<void> {
    const recordId = this.recordIds[op.record]!;
    const innerId = op.fault?.kind === 'savepoint' ? this.recordIds[op.fault.inner]! : undefined;
    const release = await this.context.locks.acquire(innerId === undefined ? [recordId] : [recordId, innerId]);
    try {
      const write = this.begin(index, recordId, op);
      if (op.path === 'api') await this.writeThroughApi(write);
      else if (op.path === 'service')
        await this.settleWith(write, () =>
          this.context.app.writes.update(recordId, { description: versionText(write.version) }),
        );
      else await this.settleWith(write, () => this.transaction(write, index, op.fault, innerId));
    } finally {
      release();
    }
  }

  private begin(
    index: number,
    recordId: number,
    op: Pick<WriteOp, 'path'> & { fault?: WriteFault },
    label?: string,
  ): WriteEvent {
    const version = this.context.ledger.nextVersion(recordId);
    const fault = label ?? (op.fault ? describeFault(op.fault) : undefined);
    const write: WriteEvent = {
      op: index,
      recordId,
      version,
      path: op.path,
      startedAt: performance.now(),
      ...(fault ? { fault } : {}),
    };
    this.writes.push(write);
    return write;
  }

  private async writeThroughApi(write: WriteEvent): Promise<void> {
    const body = { description: versionText(write.version) };
    try {
      const answer = await this.context.app.http.send('PATCH', `/api/recipes/${write.recordId}`, {
        body,
        cookie: this.context.writerCookie(),
      });
      if (answer.status === 200) return this.settle(write, 'committed', answer.endedAt);
      this.failed(write, `HTTP ${answer.status} ${answer.body.slice(0, 120)}`);
    } catch (error) {
      this.failed(write, (error as Error).message);
    }
  }

  private async settleWith(write: WriteEvent, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
      this.settle(write, 'committed', performance.now());
    } catch (error) {
      if (error instanceof RollbackFault) this.settle(write, 'rolled-back', performance.now());
      else this.failed(write, (error as Error).message);
    }
  }

  /** A write of the test's own, on the app's TransactionRunner (one at a time on SQLite, as the app's). */
  private transaction(
    write: WriteEvent,
    index: number,
    fault: WriteFault | undefined,
    innerId: number | undefined,
  ): Promise<void> {
    return this.context.app.runner.transaction(async (manager) => {
      await saveVersion(manager, write.recordId, write.version);
      if (!fault) return;
      if (fault.kind === 'rollback') {
        await sleep(fault.holdMs);
        throw new RollbackFault('rolled back by the fuzzer');
      }
      if (fault.kind === 'savepoint') return this.savepoint(manager, index, innerId!);
      this.redisFaulted = true;
      if (fault.kind === 'pause-write') return this.context.redis.pauseWrites(fault.pauseMs);
      return this.context.redis.kill(fault.killDelayMs, fault.restartAfterMs);
    });
  }

  /** A nested transaction (SAVEPOINT) writes `innerId`, then rolls back to the savepoint; the outer one goes on. */
  private async savepoint(manager: EntityManager, index: number, innerId: number): Promise<void> {
    const inner = this.begin(index, innerId, { path: 'manager' }, 'inside a savepoint that rolls back');
    try {
      await manager.transaction(async (nested) => {
        await saveVersion(nested, innerId, inner.version);
        throw new SavepointRollback('savepoint rolled back by the fuzzer');
      });
    } catch (error) {
      if (!(error instanceof SavepointRollback)) throw error;
    }
    this.settle(inner, 'rolled-back', performance.now());
  }

  private settle(write: WriteEvent, outcome: WriteOutcome, endedAt: number, detail?: string): void {
    this.context.ledger.settle(write, outcome, endedAt, detail);
  }

  private failed(write: WriteEvent, detail: string): void {
    this.settle(write, 'unknown', performance.now(), detail);
    if (this.redisFaulted && write.path === 'api') this.faultWriteErrors++;
    else this.unexpected.push(`write #${write.op} ${write.path} recipe ${write.recordId} v${write.version}: ${detail}`);
  }
}

async function saveVersion(manager: EntityManager, recordId: number, version: number): Promise<void> {
  const recipe = await manager.findOneByOrFail(Recipe, { id: recordId });
  recipe.description = versionText(version);
  await manager.save(recipe);
}
