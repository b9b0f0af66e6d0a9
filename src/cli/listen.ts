// Starting and stopping the dashboard's HTTP server.
import { createServer, type RequestListener, type Server } from 'node:http';
import { CliError } from './cli-error.js';

/** Listens on host:port; resolves once listening, rejects with the listen error. */
export function listen(handler: RequestListener, port: number, host: string): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** True when listening failed because another process holds the port. */
export function isAddressInUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

/** A listen error, said in terms of the options the user can change. */
export function listenError(err: unknown, port: number, host: string): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EADDRINUSE':
      return new CliError(
        `Port ${port} is already in use on ${host}: choose another with -p <port> (-p 0 picks any free port).`,
      );
    case 'EACCES':
      return new CliError(
        `Not allowed to listen on port ${port} (ports below 1024 need extra privileges): choose another with -p <port>.`,
      );
    case 'EADDRNOTAVAIL':
      return new CliError(`Cannot listen on ${host}: it is not an address of this machine (--host).`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CliError(`Cannot listen on ${host}: the host name does not resolve (--host).`);
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * Stops accepting connections and resolves once the server is closed. Requests in flight get
 * `graceMs` to finish; then the remaining connections are cut, because the dashboard's
 * event streams never end on their own.
 */
export function closeServer(server: Server, graceMs = 1_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
