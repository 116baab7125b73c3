import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'coverage/**', '*.js', '*.mjs', 'jira-app/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  { files: ['local/**', 'test/**', 'bin/**'], rules: { 'no-console': 'off' } },
  // The simulated Jira page's own scripts run in the browser as they are.
  { files: ['local/jira-site/static/**/*.js'], languageOptions: { sourceType: 'script', globals: Object.fromEntries(['window', 'document', 'URL', 'URLSearchParams', 'fetch', 'ResizeObserver'].map((name) => [name, 'readonly'])) } },
);
