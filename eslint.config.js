// Lint: TypeScript rules plus Nx module boundaries on two axes (scope:<context>, type:<kind>).
// The arrows point one way — app → feature → domain → contracts — and a context sees another
// context only through its contracts. Domain libraries are plain TypeScript: no NestJS, no I/O.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');
const globals = require('globals');

module.exports = [
  { ignores: ['**/dist', '**/node_modules', '.data/**', '.nx/**', 'scripts/**', 'deploy/**', 'libs/catalog/tools/**', '**/*.js', '!apps/console/public/js/**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:app', 'type:feature', 'type:domain', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
            { sourceTag: 'scope:intake', onlyDependOnLibsWithTags: ['scope:intake', 'scope:shared', 'type:contracts'] },
            { sourceTag: 'scope:triage', onlyDependOnLibsWithTags: ['scope:triage', 'scope:shared', 'type:contracts'] },
            { sourceTag: 'scope:dispatch', onlyDependOnLibsWithTags: ['scope:dispatch', 'scope:shared', 'type:contracts'] },
            { sourceTag: 'scope:assessment', onlyDependOnLibsWithTags: ['scope:assessment', 'scope:shared', 'type:contracts'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['libs/*/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@nestjs/*', 'typeorm', 'pg', 'kafkajs', 'node:fs', 'node:http', '@chuishao/event-store', '@chuishao/messaging', '@chuishao/platform', '@chuishao/service-kit'] },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'apps/system-tests/**/*.ts', 'libs/shared/testing/**/*.ts', 'apps/cli/**/*.ts', 'apps/dept-client/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  // The console: browser ES modules served as they are (no build step).
  {
    files: ['apps/console/public/js/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.browser } },
    rules: { 'no-console': 'error', '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] },
  },
];
