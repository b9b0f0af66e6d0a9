import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tscBin = join(root, 'node_modules/typescript/bin/tsc');

/**
 * Type-checks `files` as a project that installed kue sees it: a temporary directory whose
 * node_modules holds `kue` (a link to this repository, so its package.json "exports" and
 * "types" lead to the BUILT declarations in dist/) next to links to this repository's own
 * dependencies (ioredis, express, @types/node, ...). Resolves with tsc's exit code and its
 * output, whose file names are relative to the project.
 */
export async function typeCheckProject(
  files: Record<string, string>,
  compilerOptions: Record<string, unknown>,
): Promise<{ code: number | null; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kue-types-'));
  try {
    const modules = join(dir, 'node_modules');
    mkdirSync(modules);
    for (const name of readdirSync(join(root, 'node_modules'))) {
      if (name !== 'kue' && !name.startsWith('.')) symlinkSync(join(root, 'node_modules', name), join(modules, name));
    }
    symlinkSync(root, join(modules, 'kue'), 'dir');
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const tsconfig = { compilerOptions: { noEmit: true, ...compilerOptions }, files: Object.keys(files) };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    return await new Promise((resolve) => {
      const child = spawn(process.execPath, [tscBin, '-p', dir, '--pretty', 'false'], { cwd: dir });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d));
      child.stderr.on('data', (d: Buffer) => (output += d));
      child.once('close', (code) => resolve({ code, output: output.trim() }));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
