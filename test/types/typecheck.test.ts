import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the project', () => {
  it('type-checks under strict TypeScript (src and tests)', () => {
    const tsc = spawnSync(
      process.execPath,
      [`${root}node_modules/typescript/bin/tsc`, '--noEmit', '-p', `${root}tsconfig.json`],
      {
        encoding: 'utf8',
      },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    // About 15 s of CPU; the suite runs other files beside it on two cores.
  }, 120_000);
});
