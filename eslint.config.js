// Lint: typescript-eslint's recommended rules, plus the layering the folders stand for (CONVENTIONS.md):
// shared imports nothing of the app, the engine never imports electron, main or the renderer, and renderer features
// do not import each other.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const APP = ['main', 'preload', 'renderer', 'engine', 'host'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.evolab-tmp/**', 'src/host/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['src/shared/**/*.ts'],
    // A test may hold the contract against the engine that implements it.
    ignores: ['src/shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: `(^|/)(${APP.join('|')})(/|$)`, message: 'src/shared is the contract: it imports nothing of the app.' },
            { group: ['electron'], message: 'src/shared imports nothing of the app.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The engine runs under Node as well as Electron: it never imports electron.' }],
          patterns: [
            {
              regex: '(^|/)\\.\\./(\\.\\./)*(main|renderer|preload|host)(/|$)',
              message: 'The engine never imports main, the renderer, the preload or the host.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/features/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '^\\.\\./(?!\\.\\.)[^/]+/', message: 'Renderer features do not import each other: move what both need to components/ or lib/.' }],
        },
      ],
    },
  },
);
