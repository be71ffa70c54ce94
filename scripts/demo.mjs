// `npm run demo`: the main job on a laptop, no SC and no AWS account needed.
// Today it starts the bundled SC simulator (HTTPS on 127.0.0.1 with a CA generated at start) and
// proves its API keys with `sc2aws validate`, then shows what a rejected key looks like.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../bin/sc2aws.mjs', import.meta.url));
const dir = join(process.cwd(), '.sc2aws', 'demo');

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit' });
    child.on('close', resolve);
  });
}

const sim = spawn(process.execPath, [cli, 'simulator', '--json', '--dir', dir], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stopSim = () => sim.kill('SIGTERM');
process.on('SIGINT', stopSim);
let failed = false;
try {
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: sim.stdout }).once('line', resolve);
    sim.once('exit', (code) => reject(new Error(`the simulator exited early (code ${code})`)));
  });
  const { url, caFile, keysFile } = JSON.parse(line);
  console.log(`\n▶ SC simulator on ${url} (CA ${caFile})\n`);
  console.log("▶ sc2aws validate with the simulator user's keys:\n");
  const ok = await run(['validate', '--url', url, '--keys-file', keysFile, '--ca-file', caFile]);
  console.log(`\n  exit code ${ok}\n`);
  const wrong = join(dir, 'wrong-keys');
  await writeFile(wrong, `accesskey=${'0'.repeat(32)}; secretkey=${'1'.repeat(32)};\n`);
  console.log('▶ sc2aws validate with keys SC does not know (what a regenerated key pair looks like):\n');
  const rejected = await run(['validate', '--url', url, '--keys-file', wrong, '--ca-file', caFile]);
  console.log(`\n  exit code ${rejected}\n`);
  const out = join(dir, 'out');
  console.log(`▶ sc2aws export of every dataset into ${out}:\n`);
  const exported = await run([
    'export',
    '--url',
    url,
    '--keys-file',
    keysFile,
    '--ca-file',
    caFile,
    '--out',
    out,
  ]);
  console.log(`\n  exit code ${exported}\n`);
  failed = ok !== 0 || rejected !== 2 || exported !== 0;
  console.log(
    failed ? '✗ demo did not behave as expected' : `✓ demo done. Runs, manifests and state: ${out}`,
  );
} catch (err) {
  console.error(`demo failed: ${err.message}`);
  failed = true;
} finally {
  stopSim();
}
process.exitCode = failed ? 1 : 0;
