// How addresses are shown to the user.

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** True for the names and addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The URL to open for a server listening on `host`: a wildcard address is not something a
 * browser can open, so the loopback address of the same family stands in for it.
 */
export function httpUrl(host: string, port: number): string {
  let shown = host;
  if (WILDCARD_HOSTS.has(host)) shown = host === '0.0.0.0' ? '127.0.0.1' : '::1';
  if (shown.includes(':') && !shown.startsWith('[')) shown = `[${shown}]`;
  return `http://${shown}:${port}/`;
}

/** A Redis URL fit for printing: a password in it is replaced by `***`. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
