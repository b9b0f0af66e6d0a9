import { defineConfig } from 'vitest/config';
import { ALONE, PARALLEL_FILES } from './test/groups.js';

export default defineConfig({
  plugins: [
    {
      name: 'lua-as-text',
      transform(code, id) {
        if (id.endsWith('.lua')) return { code: `export default ${JSON.stringify(code)};`, map: null };
        return undefined;
      },
    },
  ],
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two groups (test/groups.ts says which file goes where, and why).
    projects: [
      {
        extends: true,
        test: { name: 'parallel', include: ['test/**/*.test.ts'], exclude: ALONE, maxWorkers: PARALLEL_FILES },
      },
      {
        // fileParallelism: false puts this group after every other one, one file at a time.
        extends: true,
        test: { name: 'alone', include: ALONE, fileParallelism: false },
      },
    ],
  },
});
