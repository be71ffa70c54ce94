import { execFileSync } from 'node:child_process';

/** Builds the bundles once, so CLI tests run the same files that ship. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
