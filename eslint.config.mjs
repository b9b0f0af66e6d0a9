// ESLint over every folder of code we write, with typescript-eslint's type-aware rules for
// promises (a floating or misused promise is how a queue loses a job silently). Formatting
// is Prettier's alone (eslint-config-prettier turns off the rules that would disagree).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/results/', 'coverage/', 'docs/'] },
  {
    files: ['src/**/*.ts', 'ui/src/**/*.{ts,tsx}', 'ui/vite.config.ts', 'test/**/*.{ts,mjs}', 'bench/**/*.mjs', 'scripts/**/*.mjs'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended, prettier],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: {
        project: ['./tsconfig.json', './ui/tsconfig.json', './tsconfig.js.json', './test/types/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A `let` read by a closure before its one assignment (a signal handler set up before
      // the thing it stops exists) cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Kue's API is `any` by default for job data (Job<D = any>), as Kue's own was.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  { files: ['ui/src/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  // JavaScript files have no type annotations to check.
  { files: ['**/*.mjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
