// Bundles the CLI and the Lambda handlers with esbuild. The same files are what the tests, the
// demo and `serverless deploy` use: the AWS SDK is bundled at its pinned version, so what is
// tested is what runs.
import { mkdir } from 'node:fs/promises';
import { build } from 'esbuild';

const FUNCTIONS = ['validate-keys', 'pull-analysis', 'forward-results'];

const banner = {
  // ESM bundles need a require() for the CommonJS parts of their dependencies (aws-notes §7).
  js: "import { createRequire as __sc2awsCreateRequire } from 'node:module'; const require = __sc2awsCreateRequire(import.meta.url);",
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  mainFields: ['module', 'main'],
  banner,
  logLevel: 'warning',
  outExtension: { '.js': '.mjs' },
};

await mkdir('dist', { recursive: true });
await Promise.all([
  // The CLI runs on the user's Node (≥ 20); the functions on Lambda's nodejs24.x.
  build({ ...common, target: 'node20', entryPoints: { cli: 'cli/index.ts' }, outdir: 'dist' }),
  // The demo runs next to a dev install: s3rver (a devDependency) stays external.
  build({
    ...common,
    target: 'node20',
    entryPoints: { demo: 'demo/run.ts' },
    outdir: 'dist',
    external: ['s3rver'],
  }),
  ...FUNCTIONS.map((fn) =>
    build({
      ...common,
      target: 'node20',
      entryPoints: { index: `functions/${fn}/handler.ts` },
      outdir: `dist/functions/${fn}`,
    }),
  ),
]);
