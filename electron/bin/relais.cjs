#!/usr/bin/env node
'use strict';
// The `relais` command. Builds the CLI bundle on first use after a fresh install.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'electron', 'cli.cjs');
if (!fs.existsSync(cli)) {
  process.stderr.write('relais: first run, building…\n');
  const r = spawnSync(process.execPath, [path.join(root, 'electron', 'tools', 'build.mjs'), '--only', 'electron'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(r.status || 1);
}
require(cli);
