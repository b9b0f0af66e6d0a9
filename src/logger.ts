/** The logger Kue writes to: silent unless one is given in `createQueue({logger})` (pino fits). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = () => undefined;
export const silentLogger: Logger = { debug: noop, warn: noop, error: noop };
