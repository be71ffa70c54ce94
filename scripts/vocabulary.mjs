// Writes infra/vocabulary.json: the dataset list and the value rules of lib/config that
// infra/derived.cjs checks the deployment parameters with. derived.cjs runs inside the Serverless
// Framework as CommonJS and cannot load the TypeScript, so it reads this JSON instead;
// test/unit/config/vocabulary.test.ts fails while the file is stale. Run after changing a rule:
//   node scripts/vocabulary.mjs
import { readFile, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

const TARGET = new URL('../infra/vocabulary.json', import.meta.url);

const bundle = await build({
  stdin: {
    contents: "export { deploymentVocabulary } from './lib/config/vocabulary.ts';",
    resolveDir: new URL('..', import.meta.url).pathname,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  write: false,
  logLevel: 'warning',
});
const source = bundle.outputFiles[0].text;
const { deploymentVocabulary } = await import(
  `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`
);
const vocabulary = deploymentVocabulary();
const current = await readFile(TARGET, 'utf8').catch(() => 'null');
if (JSON.stringify(JSON.parse(current)) === JSON.stringify(vocabulary)) {
  console.log('infra/vocabulary.json is up to date');
} else {
  // Generated, so biome.json leaves its layout alone.
  await writeFile(TARGET, `${JSON.stringify(vocabulary, null, 2)}\n`);
  console.log('wrote infra/vocabulary.json');
}
