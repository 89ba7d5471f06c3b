/** Stops the private redis-server started by the global setup. */
export default async function globalTeardown() {
  await globalThis.__stashRedis?.stop();
}
