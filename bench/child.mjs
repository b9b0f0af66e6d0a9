// Starting and talking to a worker child (bench/worker-child.mjs).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./worker-child.mjs', import.meta.url));

/**
 * Forks a worker child and resolves once it is connected and ready to start.
 * `execArgv` adds Node options (e.g. --cpu-prof). Returns {start(), stop() → report, kill()}.
 */
export async function startWorkerChild(options, execArgv = []) {
  const child = fork(entry, [JSON.stringify(options)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages = [];
  const waiters = [];
  child.on('message', (m) => {
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(m);
    else messages.push(m);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const next = (type, timeout) =>
    new Promise((resolve, reject) => {
      const i = messages.findIndex((m) => m.type === type);
      if (i >= 0) return resolve(messages.splice(i, 1)[0]);
      const timer = setTimeout(() => reject(new Error(`worker child: no '${type}' within ${timeout} ms`)), timeout);
      const w = { type, resolve: (m) => (clearTimeout(timer), resolve(m)) };
      waiters.push(w);
      void exited.then((code) => {
        if (waiters.includes(w)) {
          clearTimeout(timer);
          reject(new Error(`worker child exited (${code}) before '${type}'`));
        }
      });
    });
  await next('ready', 60_000);
  return {
    start: () => child.send({ type: 'start' }),
    async stop() {
      child.send({ type: 'stop' });
      const report = await next('done', 30_000);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      return report;
    },
    /** Ends this child (only ever the one started here). */
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    exited,
  };
}
