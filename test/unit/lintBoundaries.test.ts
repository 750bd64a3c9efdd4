import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Each fixture is linted as if it were a file at `path`, with the project's own
// eslint.config.js: a boundary the config stopped enforcing makes this fail.
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: { name: string; path: string; code: string; blocked: boolean }[] = [
  { name: 'renderer → electron/ (relative)', path: 'renderer/src/pages/X.tsx', code: "import { dispatch } from '../../../electron/services/api/dispatch';\nexport const x = dispatch;", blocked: true },
  { name: 'renderer → electron package', path: 'renderer/src/pages/X.tsx', code: "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;", blocked: true },
  { name: 'renderer → node:fs', path: 'renderer/src/x.ts', code: "import fs from 'node:fs';\nexport const x = fs;", blocked: true },
  { name: 'renderer → fs', path: 'renderer/src/x.ts', code: "import fs from 'fs';\nexport const x = fs;", blocked: true },
  { name: 'renderer → better-sqlite3', path: 'renderer/src/x.ts', code: "import D from 'better-sqlite3';\nexport const x = D;", blocked: true },
  { name: 'shared → electron/', path: 'shared/domain/x.ts', code: "import { openStore } from '../../electron/services/db/store';\nexport const x = openStore;", blocked: true },
  { name: 'shared → renderer/', path: 'shared/domain/x.ts', code: "import { useApp } from '../../renderer/src/stores/appStore';\nexport const x = useApp;", blocked: true },
  { name: 'shared → node:crypto', path: 'shared/stats/x.ts', code: "import crypto from 'node:crypto';\nexport const x = crypto;", blocked: true },
  { name: 'shared → path', path: 'shared/x.ts', code: "import path from 'path';\nexport const x = path;", blocked: true },
  { name: 'shared → react', path: 'shared/x.ts', code: "import { useState } from 'react';\nexport const x = useState;", blocked: true },
  { name: 'electron → renderer/', path: 'electron/services/x.ts', code: "import { en } from '../../renderer/src/i18n/en';\nexport const x = en;", blocked: true },
  // What each layer may do stays allowed.
  { name: 'renderer → shared/', path: 'renderer/src/x.ts', code: "import { contract } from '../../shared/api/contract';\nexport const x = contract;", blocked: false },
  { name: 'electron → shared/', path: 'electron/services/x.ts', code: "import { contract } from '../../shared/api/contract';\nexport const x = contract;", blocked: false },
  { name: 'electron → node:fs', path: 'electron/services/x.ts', code: "import fs from 'node:fs';\nexport const x = fs;", blocked: false },
  { name: 'shared → zod', path: 'shared/x.ts', code: "import { z } from 'zod';\nexport const x = z;", blocked: false },
];

describe('lint enforces the architecture boundaries', () => {
  for (const c of cases) {
    it(`${c.blocked ? 'blocks' : 'allows'} ${c.name}`, async () => {
      const messages = await restrictedImports(c.path, c.code);
      if (c.blocked) expect(messages.length, `expected a no-restricted-imports error for ${c.path}`).toBeGreaterThan(0);
      else expect(messages).toEqual([]);
    });
  }

  it('a dynamic require of a Node module in renderer/ is caught too', async () => {
    const [result] = await eslint.lintText("const fs = require('node:fs');\nexport const x = fs;", { filePath: 'renderer/src/y.ts' });
    expect(result?.errorCount ?? 0).toBeGreaterThan(0);
  });
});
