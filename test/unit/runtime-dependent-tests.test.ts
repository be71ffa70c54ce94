import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LAMBDA_NODE_ONLY_TAG,
  LONGEST_FIRST,
  RUNTIME_DEPENDENT_TESTS,
  RUNTIME_TAG,
} from '../../vitest.config';

/** Every test file, relative to the repository. */
function testFiles(dir = 'test'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return path.endsWith('.test.ts') ? [path] : [];
  });
}

/** How a file marks tests for the Node 24 pass: all of them, or single ones. */
const wholeFile = new RegExp(`^// @module-tag ${RUNTIME_TAG}$`, 'm');
const singleTest = new RegExp(`tags: \\['${RUNTIME_TAG}'\\]`);
const tagged = (file: string) => {
  const text = readFileSync(file, 'utf8');
  return wholeFile.test(text) || singleTest.test(text);
};

/** Files that run on the Lambda runtime's Node only, left out of the first pass. */
const lambdaNodeOnly = new RegExp(`^// @module-tag ${LAMBDA_NODE_ONLY_TAG}$`, 'm');

describe('the Node 24 pass (npm run test:lambda-node)', () => {
  it('lists only test files that exist, so a renamed one is not silently left out', () => {
    expect(RUNTIME_DEPENDENT_TESTS.filter((file) => !existsSync(file))).toEqual([]);
  });

  it('runs every test that delivers on several worker threads, where Node 24 refused a Buffer transfer', () => {
    const threaded = testFiles().filter((file) =>
      /createPartRunner\([2-9]|'--threads', '[2-9]'/.test(readFileSync(file, 'utf8')),
    );

    expect(threaded.length).toBeGreaterThan(0);
    expect(threaded.filter((file) => !RUNTIME_DEPENDENT_TESTS.includes(file))).toEqual([]);
  });

  it(`runs something of every listed file: each has tests tagged ${RUNTIME_TAG}, or the whole file is`, () => {
    expect(RUNTIME_DEPENDENT_TESTS.filter((file) => !tagged(file))).toEqual([]);
  });

  it(`lists every file with tests tagged ${RUNTIME_TAG}, since the pass loads only the listed files`, () => {
    const taggedFiles = testFiles().filter(tagged);

    expect(taggedFiles.length).toBeGreaterThanOrEqual(RUNTIME_DEPENDENT_TESTS.length);
    expect(taggedFiles.filter((file) => !RUNTIME_DEPENDENT_TESTS.includes(file))).toEqual([]);
  });

  it(`runs each file the first pass leaves out (${LAMBDA_NODE_ONLY_TAG}) on the Lambda's Node, whole`, () => {
    const onlyThere = testFiles().filter((file) => lambdaNodeOnly.test(readFileSync(file, 'utf8')));

    expect(onlyThere).toEqual(['test/e2e/demo.test.ts']);
    for (const file of onlyThere) {
      expect(RUNTIME_DEPENDENT_TESTS).toContain(file);
      expect(readFileSync(file, 'utf8')).toMatch(wholeFile);
    }
  });
});

describe('the order files start in', () => {
  it('names only test files that exist, so a renamed long file does not silently start last', () => {
    expect(LONGEST_FIRST.filter((file) => !existsSync(file))).toEqual([]);
  });
});
