// Bundles the CLI (and, as they arrive, the Lambda handlers) with esbuild.
// The same files are what tests, the demo and `serverless deploy` use.
import { mkdir } from 'node:fs/promises';
import { build } from 'esbuild';

const banner = {
  // ESM bundles need a require() for the CommonJS parts of their dependencies.
  js: "import { createRequire as __sc2awsCreateRequire } from 'node:module'; const require = __sc2awsCreateRequire(import.meta.url);",
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  mainFields: ['module', 'main'],
  banner,
  logLevel: 'warning',
};

await mkdir('dist', { recursive: true });
await build({
  ...common,
  entryPoints: { cli: 'cli/index.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
});
