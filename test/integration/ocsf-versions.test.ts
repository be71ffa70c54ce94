import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveredAsset, DeliveredFinding } from '#lib/findings';
import {
  commitOcsfRun,
  deviceInventoryInfoOf,
  OCSF_VERSIONS,
  ocsfColumnsOf,
  ocsfFilesForPart,
  storeOcsfFile,
  vulnerabilityFindingOf,
} from '#lib/ocsf';
import { createLocalStore, type ObjectStore } from '#lib/sink';
import { deliveredPart, plain, withDuckDb } from '#support/ocsf-files';
import { schemaErrors, validatorsFor } from '#support/ocsf-schema';
import { assetCases, findingCases } from '../unit/ocsf/rows';

/**
 * Each OCSF version sc2aws writes, through the real Parquet writer: DuckDB reads every record
 * back as the mapping made it, every record is valid in its version's schema, and the file's
 * columns and footer say that version.
 */
const RUN = { runId: '20240404T060000Z-0a1b2c3d', dt: '2024-04-04', index: 0 };

const byUid = (records: unknown[]) =>
  [...records].sort((a, b) =>
    (a as { metadata: { uid: string } }).metadata.uid.localeCompare(
      (b as { metadata: { uid: string } }).metadata.uid,
    ),
  );

describe('OCSF files of each version, read back by DuckDB', () => {
  let dir: string;
  let store: ObjectStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-ocsf-versions-'));
    store = createLocalStore(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const version of OCSF_VERSIONS) {
    for (const [dataset, classKey, cases] of [
      ['vulns', 'vulnerabilityFinding', findingCases],
      ['assets', 'deviceInventoryInfo', assetCases],
    ] as const) {
      it(`writes ${dataset} as OCSF ${version}: every record back row for row, valid in ${version}, its columns and footer`, async () => {
        // Prepare
        const rows = Object.values(cases) as (DeliveredFinding | DeliveredAsset)[];
        const part = await deliveredPart(store, dataset, rows);
        const map = (row: unknown) =>
          dataset === 'vulns'
            ? vulnerabilityFindingOf(row as DeliveredFinding, version)
            : deviceInventoryInfoOf(row as DeliveredAsset, version);
        const validate = validatorsFor[version][classKey];

        // Act: one file per day of the records' time.
        const files = await ocsfFilesForPart(store, dataset, part, { ...RUN, version });

        // Assert
        const expected = rows.map((row) => JSON.parse(JSON.stringify(map(row))));
        for (const record of expected) expect(validate(record), schemaErrors(validate)).toBe(true);
        const read: unknown[] = [];
        for (const file of files)
          await withDuckDb(file.bytes, async (query) => {
            read.push(...(await query('SELECT * FROM read_parquet($file)')).map(plain));
            const footer = await query(
              "SELECT value FROM parquet_kv_metadata($file) WHERE key = 'ocsf.version'",
            );
            expect(String(footer[0]?.value)).toContain(version);
            const described = await query('DESCRIBE SELECT * FROM read_parquet($file)');
            expect(described.map((c) => c.column_name)).toEqual(
              ocsfColumnsOf(classKey, version).map((c) => c.name),
            );
          });
        expect(byUid(read)).toEqual(byUid(expected));
        for (const record of read) expect(validate(record), schemaErrors(validate)).toBe(true);
      });
    }
  }

  for (const [target, version] of [
    [{ kind: 'bucket' }, '1.3.0'],
    [{ kind: 'bucket', version: '1.1.0' }, '1.1.0'],
  ] as const) {
    it(`says OCSF ${version} in the run's manifest when the target is ${JSON.stringify(target)}`, async () => {
      const part = await deliveredPart(store, 'vulns', Object.values(findingCases));
      const files = await ocsfFilesForPart(store, 'vulns', part, { ...RUN, version });
      const stored = [];
      for (const file of files) stored.push(await storeOcsfFile(store, file));

      const commit = await commitOcsfRun(
        store,
        target,
        {
          dataset: 'vulns',
          runId: RUN.runId,
          dt: RUN.dt,
          source: part.key,
          createdAt: '2024-04-04T06:00:00.000Z',
        },
        stored,
      );

      const manifest = JSON.parse((await store.getText(commit.manifestKey))?.body ?? '{}');
      expect(manifest.ocsfVersion).toBe(version);
    });
  }

  it('keeps an empty vulnerabilities list (a plugin without CVE or CWE) empty, not null, in the file', async () => {
    const row = findingCases['no CVE, no CWE (Info plugin)'] as DeliveredFinding;
    const part = await deliveredPart(store, 'vulns', [row]);
    const [file, ...others] = await ocsfFilesForPart(store, 'vulns', part, { ...RUN, version: '1.1.0' });
    expect(others).toEqual([]);
    await withDuckDb((file as { bytes: Uint8Array }).bytes, async (query) => {
      const [found] = await query('SELECT len(vulnerabilities) AS n FROM read_parquet($file)');
      expect(Number(found?.n)).toBe(0);
    });
  });
});
