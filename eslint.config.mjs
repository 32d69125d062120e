import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflows are replayed deterministically by Temporal: no I/O, no Node built-ins.
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * The one-way house (DESIGN.md "Layout"): domain <- db <- workflows/messages <- activities
 * <- web <- bin, with app (wiring) imported by activities, web and bin. A specifier is
 * matched by the folder names it passes through, so `../../web/x` and `../web/x` alike.
 */
const layer = (name) => [`../${name}`, `../${name}/**`, `../../${name}`, `../../${name}/**`, `../../../${name}/**`];
const forbid = (names, message, extra = {}) => ({ group: names.flatMap(layer), message, ...extra });
const restrict = (...patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});
const noTest = forbid(['test'], 'Production code never imports test/.');

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'test/.tmp/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { project: './tsconfig.json' } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: restrict(forbid(['app', 'db', 'workflows', 'activities', 'web', 'bin', 'test'], 'domain/ is the ground floor: it imports nothing of ours.')),
  },
  {
    files: ['app/**/*.ts'],
    rules: restrict(
      forbid(['workflows', 'activities', 'web', 'bin'], 'app/ (process wiring) imports only domain/.'),
      forbid(['db'], 'app/ may name db/ types only.', { allowTypeImports: true }),
      noTest,
    ),
  },
  {
    files: ['db/**/*.ts'],
    rules: restrict(forbid(['app', 'workflows', 'activities', 'web', 'bin'], 'db/ imports only domain/.', { allowTypeImports: true }), noTest),
  },
  {
    files: ['workflows/messages/**/*.ts'],
    rules: restrict(forbid(['app', 'db', 'activities', 'web', 'bin'], 'A workflow contract imports only domain/ and other contracts.'), noTest),
  },
  {
    files: ['workflows/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows are deterministic: no Node built-ins.' })),
          patterns: [
            forbid(['db', 'activities', 'web', 'bin', 'app', 'domain'], 'A workflow imports activities by type only, and shared rules through workflows/messages.', { allowTypeImports: true }),
            noTest,
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: restrict(
      forbid(['web', 'bin'], 'activities/ never import web/ or bin/.'),
      {
        group: ['../workflows/*', '!../workflows/messages', '../../workflows/*', '!../../workflows/messages'],
        allowTypeImports: true,
        message: 'activities/ use a workflow only through its contract in workflows/messages/.',
      },
      noTest,
    ),
  },
  {
    files: ['web/**/*.ts'],
    rules: restrict(
      forbid(['bin'], 'web/ never imports bin/.'),
      {
        group: ['../activities/**', '../../activities/**', '!../activities/imports', '!../activities/xlsx', '!../../activities/imports', '!../../activities/xlsx'],
        message: 'web/ uses activities only through the entries activities/imports and activities/xlsx.',
      },
      {
        group: ['../workflows/*', '!../workflows/messages', '../../workflows/*', '!../../workflows/messages'],
        allowTypeImports: true,
        message: 'web/ uses a workflow only through its contract in workflows/messages/.',
      },
      noTest,
    ),
  },
  {
    files: ['bin/**/*.ts'],
    rules: restrict(noTest),
  },
);
