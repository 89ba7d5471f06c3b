import { spawn } from 'node:child_process';
import { waitFor } from '../test/support/redis-server.js';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * A server process of the benchmark: `node <script>` with `env` added to the environment, on 127.0.0.1:`port`.
 * Resolves once `readyPath` answers 200; its output goes to the benchmark's own stderr.
 */
export async function startServer({ name, script, port, env, readyPath }) {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  const server = {
    name,
    base,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} while starting`);
        return answers(`${base}${readyPath}`);
      },
      START_TIMEOUT_MS,
      `${name} did not answer ${readyPath}`,
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function answers(url) {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}
