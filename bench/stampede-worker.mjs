// One of the two processes of the cross-process stampede (spawned by stampede.bench.mjs): connects, says `ready`,
// waits for `go` on stdin so that both processes start together, runs its burst and prints it as one JSON line.
import { createInterface } from 'node:readline';
import { CONTENDERS, burst } from './stampede-contenders.mjs';

const [contenderName, redisUrl, key, calls, loaderMs] = process.argv.slice(2);
const contender = await CONTENDERS[contenderName](redisUrl);
const lines = createInterface({ input: process.stdin });
const go = new Promise((resolve) => lines.once('line', resolve));
process.stdout.write('ready\n');
await go;
lines.close();
const outcome = await burst(contender, key, { calls: Number(calls), loaderMs: Number(loaderMs) });
await contender.close();
process.stdout.write(`${JSON.stringify(outcome)}\n`);
