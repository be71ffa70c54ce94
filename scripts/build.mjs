// Bundles the CLI and the Lambda handlers with esbuild. The same files are what the tests, the
// demo and `serverless deploy` use: the AWS SDK is bundled at its pinned version, so what is
// tested is what runs.
import { mkdir, rm } from 'node:fs/promises';
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
// Chunk names carry a content hash: without this, chunks of earlier builds would pile up in the
// folders that `serverless package` zips whole.
await Promise.all(FUNCTIONS.map((fn) => rm(`dist/functions/${fn}`, { recursive: true, force: true })));
await Promise.all([
  // The CLI runs on the user's Node (≥ 20); the functions on Lambda's nodejs24.x.
  // part-worker: the delivery's worker thread, loaded from beside the CLI and forward-results.
  build({
    ...common,
    target: 'node20',
    entryPoints: { cli: 'cli/index.ts', 'part-worker': 'lib/delivery/part-worker.ts' },
    outdir: 'dist',
  }),
  // The demo runs next to a dev install: s3rver (a devDependency) stays external.
  build({
    ...common,
    target: 'node20',
    entryPoints: { demo: 'demo/run.ts' },
    outdir: 'dist',
    external: ['s3rver'],
  }),
  // Code splitting turns the dynamic import()s in the AWS SDK into files of their own, loaded
  // only when reached: the credential providers other than the environment's (shared ini files,
  // SSO, STS web identity, process, container, IMDS) and their nested clients, which a Lambda,
  // whose role credentials are in its environment, never runs. In one file Node would still parse
  // them, and load the built-in modules they import (child_process, dgram), at every cold start.
  ...FUNCTIONS.map((fn) =>
    build({
      ...common,
      target: 'node20',
      splitting: true,
      entryPoints: {
        index: `functions/${fn}/handler.ts`,
        ...(fn === 'forward-results' ? { 'part-worker': 'lib/delivery/part-worker.ts' } : {}),
      },
      outdir: `dist/functions/${fn}`,
    }),
  ),
]);
