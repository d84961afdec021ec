// typescript-eslint's recommended rules over the project's own TypeScript, `npm run lint`.
// Fixture inputs and the fuzzer's found programs are test data (some deliberately odd programs), so they are not linted.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      'fixtures/**',
      'test/fuzz/found/**',
      'node_modules/**',
      'test-artifacts/**',
      'test/reach/.cache/**',
      '.fuzz-tmp/**',
      'scratch/**',
    ],
  },
  eslint.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // The runtime and the transform take and return arbitrary user values and functions.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The trampoline's hot paths: `var` (no TDZ check), `arguments` (no rest array), a `this`
    // alias read by inner closures — each chosen by instruction counts (see the comments there).
    files: ['runtime/greenlet.ts', 'runtime/emit-helpers.ts'],
    rules: {
      'no-var': 'off',
      'prefer-rest-params': 'off',
      '@typescript-eslint/no-this-alias': 'off',
      'require-yield': 'off',
    },
  },
  {
    // Koa's own generics use `{}` (DefaultState); the router's class merges with its interface.
    files: ['runtime/koa/greenlet-router.ts'],
    rules: {
      '@typescript-eslint/no-empty-object-type': 'off',
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
    },
  },
  {
    // Tests and benchmarks write twins by hand (generators that need not yield) and load built
    // projects with `require`.
    files: ['test/**', 'bench/**'],
    rules: { 'require-yield': 'off', '@typescript-eslint/no-require-imports': 'off', 'prefer-rest-params': 'off' },
  },
);
