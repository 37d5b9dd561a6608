import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Layering (see ARCHITECTURE.md): extension → kube → core; webview → protocol (+ core/model types).
// src/core is pure: no vscode, no file system, no processes, no network.
const impureModules = [
  'vscode', 'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process',
  'http', 'node:http', 'https', 'node:https', 'net', 'node:net', 'dgram', 'node:dgram', 'tls', 'node:tls',
  'worker_threads', 'node:worker_threads', '@kubernetes/client-node',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', '**/*.vsix', 'test-results/**', 'bench-results/**', '.testenv/**', 'examples/**', 'tools/**/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: impureModules.map((name) => ({ name, message: 'src/core is pure: no vscode, I/O, processes or network. Put this in src/kube or src/extension.' })),
        patterns: [{ group: ['**/kube/**', '**/extension/**', '**/webview/**'], message: 'src/core imports only itself.' }],
      }],
    },
  },
  {
    files: ['src/kube/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/kube must not depend on vscode; pass what it needs in.' }],
        patterns: [{ group: ['**/extension/**', '**/webview/**'], message: 'kube imports only core and protocol.' }],
      }],
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: impureModules.map((name) => ({ name, message: 'protocol holds message types only.' })),
        patterns: [{ group: ['**/kube/**', '**/extension/**', '**/webview/**'], message: 'protocol imports only core/model types.' }],
      }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'the webview runs in a browser; talk to the host through src/protocol.' }],
        patterns: [{ group: ['**/src/kube/**', '**/src/extension/**', 'node:*'], message: 'webview imports only protocol and core/model.' }],
      }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
