// Lint: typescript-eslint's recommended rules plus the architecture's boundaries.
// shared/ is pure (no Node, no DOM, no electron/ or renderer/); renderer/ never
// reaches electron/ or Node; electron/ never imports renderer/.
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules.filter((m) => !m.startsWith('_')), ...builtinModules.map((m) => `node:${m}`)];
const nodeOnlyPackages = ['electron', 'better-sqlite3'];

const noNode = {
  paths: [...nodeBuiltins, ...nodeOnlyPackages].map((name) => ({ name, message: 'Node/Electron modules are not allowed in this layer (see eslint.config.js).' })),
};
const layer = (name, message) => ({ group: [`**/${name}`, `**/${name}/**`, `${name}/**`], message });

export const boundaryRules = {
  renderer: ['error', { ...noNode, patterns: [layer('electron', 'renderer/ talks to the backend only through its client (renderer/src/api).')] }],
  shared: [
    'error',
    {
      ...noNode,
      patterns: [
        layer('electron', 'shared/ must not depend on electron/.'),
        layer('renderer', 'shared/ must not depend on renderer/.'),
        { group: ['react', 'react-dom', 'react/*', 'react-dom/*', 'zustand', 'chart.js'], message: 'shared/ holds no UI code.' },
      ],
    },
  ],
  electron: ['error', { patterns: [layer('renderer', 'electron/ must not import renderer/ code.')] }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', '.native/**', 'coverage/**', '.tmp/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': boundaryRules.renderer,
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: { 'no-restricted-imports': boundaryRules.shared },
  },
  {
    files: ['electron/**/*.{ts,mjs,cjs,js}'],
    rules: { 'no-restricted-imports': boundaryRules.electron },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
