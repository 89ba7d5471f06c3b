import { TransactionQueue } from './transaction-queue.js';

// One step of a connection's life, as an ORM adapter reports it (depths are the ORM's depth after the event).
type Step = ['start', number] | ['write', string, number] | ['commit', number] | ['rollback', number];

interface Row {
  story: string;
  steps: Step[];
  // Items the steps released for dispatch (outermost commits), in order.
  released: string[];
  // Items still waiting at the end.
  pending: number;
}

const rows: Row[] = [
  {
    story: 'a committed transaction releases its writes in order',
    steps: [
      ['start', 1],
      ['write', 'a', 1],
      ['write', 'b', 1],
      ['commit', 0],
    ],
    released: ['a', 'b'],
    pending: 0,
  },
  {
    story: 'a rolled back transaction releases nothing',
    steps: [
      ['start', 1],
      ['write', 'a', 1],
      ['rollback', 0],
    ],
    released: [],
    pending: 0,
  },
  {
    story: 'a released savepoint merges into its parent, after the parent’s earlier writes',
    steps: [
      ['start', 1],
      ['write', 'a', 1],
      ['start', 2],
      ['write', 'b', 2],
      ['commit', 1],
      ['write', 'c', 1],
      ['commit', 0],
    ],
    released: ['a', 'b', 'c'],
    pending: 0,
  },
  {
    story: 'a rolled back savepoint drops only its own writes',
    steps: [
      ['start', 1],
      ['write', 'a', 1],
      ['start', 2],
      ['write', 'b', 2],
      ['rollback', 1],
      ['write', 'c', 1],
      ['commit', 0],
    ],
    released: ['a', 'c'],
    pending: 0,
  },
  {
    story: 'an outer rollback drops the writes of savepoints released into it',
    steps: [
      ['start', 1],
      ['write', 'a', 1],
      ['start', 2],
      ['write', 'b', 2],
      ['commit', 1],
      ['rollback', 0],
    ],
    released: [],
    pending: 0,
  },
  {
    story: 'three levels: the innermost rolls back, the middle is released, the outer commits',
    steps: [
      ['start', 1],
      ['write', 'a', 1],
      ['start', 2],
      ['write', 'b', 2],
      ['start', 3],
      ['write', 'c', 3],
      ['rollback', 2],
      ['write', 'd', 2],
      ['commit', 1],
      ['commit', 0],
    ],
    released: ['a', 'b', 'd'],
    pending: 0,
  },
  {
    story: 'releasing a savepoint releases nothing yet',
    steps: [
      ['start', 1],
      ['start', 2],
      ['write', 'a', 2],
      ['commit', 1],
    ],
    released: [],
    pending: 1,
  },
  {
    story: 'a queue created inside an open savepoint (subscriber added late) creates the missing levels',
    steps: [
      ['write', 'a', 2],
      ['commit', 1],
      ['write', 'b', 1],
      ['commit', 0],
    ],
    released: ['a', 'b'],
    pending: 0,
  },
  {
    story: 'left-overs of a transaction whose end was never seen are dropped when the next one starts',
    steps: [
      ['start', 1],
      ['write', 'lost', 1],
      ['start', 1],
      ['write', 'a', 1],
      ['commit', 0],
    ],
    released: ['a'],
    pending: 0,
  },
  {
    story: 'a second transaction on the same connection starts empty',
    steps: [
      ['start', 1],
      ['write', 'a', 1],
      ['commit', 0],
      ['start', 1],
      ['write', 'b', 1],
      ['commit', 0],
    ],
    released: ['a', 'b'],
    pending: 0,
  },
  {
    story: 'an empty savepoint released into an empty parent changes nothing',
    steps: [
      ['start', 1],
      ['start', 2],
      ['commit', 1],
      ['commit', 0],
    ],
    released: [],
    pending: 0,
  },
];

describe('TransactionQueue', () => {
  it.each(rows)('$story', ({ steps, released, pending }) => {
    const queue = new TransactionQueue<string>();
    const out: string[] = [];
    for (const step of steps) {
      if (step[0] === 'start') queue.started(step[1]);
      else if (step[0] === 'write') queue.enqueue(step[1], step[2]);
      else if (step[0] === 'commit') out.push(...queue.committed(step[1]));
      else queue.rolledBack(step[1]);
    }
    expect(out).toEqual(released);
    expect(queue.size).toBe(pending);
  });

  it('lists every queued item without releasing them (what an outbox writes before the COMMIT)', () => {
    const queue = new TransactionQueue<string>();
    queue.started(1);
    queue.enqueue('a', 1);
    queue.started(2);
    queue.enqueue('b', 2);
    expect(queue.items()).toEqual(['a', 'b']);
    expect(queue.committed(1)).toEqual([]);
    expect(queue.items()).toEqual(['a', 'b']);
    expect(queue.committed(0)).toEqual(['a', 'b']);
    expect(queue.items()).toEqual([]);
  });

  it('returns the dropped items of a rollback', () => {
    const queue = new TransactionQueue<string>();
    queue.started(1);
    queue.enqueue('a', 1);
    queue.started(2);
    queue.enqueue('b', 2);
    expect(queue.rolledBack(1)).toEqual(['b']);
    expect(queue.depth).toBe(1);
    expect(queue.rolledBack(0)).toEqual(['a']);
    expect(queue.depth).toBe(0);
  });

  it.each([
    ['started', 0],
    ['enqueue', 0],
    ['committed', -1],
    ['rolledBack', 1.5],
  ] as const)('%s rejects the depth %p', (operation, depth) => {
    const queue = new TransactionQueue<string>();
    const call = () => {
      if (operation === 'enqueue') queue.enqueue('x', depth);
      else queue[operation](depth);
    };
    expect(call).toThrow(/TransactionQueue/);
  });
});
