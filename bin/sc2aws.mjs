#!/usr/bin/env node
// The CLI is bundled to dist/ by `npm run build` (run automatically by `npm ci` / `npm install`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('error: dist/cli.mjs is missing. Run "npm run build" (or "npm ci") first.\n');
  process.exit(1);
}
await import(entry.href);
