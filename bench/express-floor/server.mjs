// The floor on a cached page's overhead: plain express 5 and one ioredis GET per request, written by hand with
// no framework, no key layout, no fault handling. It serves the bytes of PAGE_FILE at GET /cookbook/, read from
// Redis, and stores them on a miss (as a render would). Started by bench/cookbook.bench.mjs; PORT, REDIS_URL and
// PAGE_FILE are required.
import express from 'express';
import { Redis } from 'ioredis';
import { readFile } from 'node:fs/promises';

const { PORT, REDIS_URL, PAGE_FILE } = process.env;
if (!PORT || !REDIS_URL || !PAGE_FILE) {
  console.error('express-floor: PORT, REDIS_URL and PAGE_FILE must be set');
  process.exit(1);
}
const PAGE_KEY = 'express-floor:page:/cookbook/';
const TTL_S = 3600;

const redis = new Redis(REDIS_URL);
const app = express();
app.disable('x-powered-by');
// A cached page carries the ETag computed when it was stored; Express would hash the 30 KB body on every send.
app.set('etag', false);

app.get('/cookbook/', async (_req, res) => {
  let page = await redis.getBuffer(PAGE_KEY);
  res.set('X-Cache', page ? 'HIT' : 'MISS');
  if (!page) {
    page = await readFile(PAGE_FILE);
    await redis.set(PAGE_KEY, page, 'EX', TTL_S);
  }
  res.type('html').send(page);
});

const server = app.listen(Number(PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  redis.disconnect();
});
