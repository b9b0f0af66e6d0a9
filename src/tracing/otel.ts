import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';

/** The `@opentelemetry/api` module, as Kue uses it. */
export type Otel = typeof OtelApi;

let loaded: Otel | null | undefined;

/**
 * `@opentelemetry/api`, required on first use, or null when the application has not installed
 * it (it is an optional peer dependency). `require` serves both builds: the CJS bundle has it,
 * and the ESM one makes it from its own URL (tsup's shims give the CJS bundle that URL too).
 * The API keeps its registered provider in one global, so the copy found here sees the
 * provider an application registered through its own import of the package.
 */
export function loadOtel(): Otel | null {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('@opentelemetry/api') as Otel;
      // A broken or foreign module by that name is no API: tracing stays off.
      if (typeof loaded.trace?.getTracer !== 'function') loaded = null;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}
