import { afterEach, describe, expect, it } from 'vitest';
import { exportDataset } from '#lib/export';
import type { DeliveredAsset, DeliveredFinding } from '#lib/findings';
import { deviceInventoryInfoOf, ocsfFilesForPart, vulnerabilityFindingOf } from '#lib/ocsf';
import { deliverFully } from '#support/delivery';
import { type ExportHarness, exportHarness, readRun } from '#support/export-harness';
import { plain, withDuckDb } from '#support/ocsf-files';
import {
  schemaErrors,
  validateDeviceInventoryInfo,
  validateVulnerabilityFinding,
  validatorsFor,
} from '#support/ocsf-schema';

/**
 * The simulator's rows, in the shapes recorded from a real SC, through the real export and
 * delivery, then OCSF: every record validates against OCSF 1.3.0 and the files hold them; mapped
 * as OCSF 1.1.0, every record validates against 1.1.0.
 */
const settings = { pluginOutputMaxBytes: 8192 };

describe('OCSF from simulator rows through export and delivery', () => {
  let h: ExportHarness;
  afterEach(async () => {
    await h?.close();
  });

  for (const dataset of ['vulns', 'assets'] as const) {
    it(`turns every delivered ${dataset} row into a valid OCSF record, and the files hold exactly them`, async () => {
      // Prepare
      h = await exportHarness();
      const deps = {
        store: h.store,
        events: { publish: async () => {} },
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      };
      const outcome = await exportDataset(h.deps(), h.settings({ severityFloor: 0 }), dataset);
      const rawKey = (outcome as { manifest: string }).manifest.replace(/^.*?raw\//, 'raw/');
      const delivered = await readRun(h.store, (await deliverFully(deps, settings, rawKey)).manifest);
      expect(delivered.rows.length).toBeGreaterThan(dataset === 'vulns' ? 1000 : 10);

      // Act
      const files = [];
      for (const [index, part] of delivered.manifest.parts.entries()) {
        files.push(
          ...(await ocsfFilesForPart(h.store, dataset, part, {
            runId: delivered.manifest.runId,
            dt: '2026-01-01',
            index,
          })),
        );
      }

      // Assert
      const map =
        dataset === 'vulns'
          ? (row: unknown) => vulnerabilityFindingOf(row as DeliveredFinding)
          : (row: unknown) => deviceInventoryInfoOf(row as DeliveredAsset);
      const validate = dataset === 'vulns' ? validateVulnerabilityFinding : validateDeviceInventoryInfo;
      const expected = delivered.rows.map((row) => JSON.parse(JSON.stringify(map(row))));
      for (const record of expected) {
        expect(validate(record), schemaErrors(validate)).toBe(true);
      }
      const validate11 =
        validatorsFor['1.1.0'][dataset === 'vulns' ? 'vulnerabilityFinding' : 'deviceInventoryInfo'];
      for (const row of delivered.rows) {
        const record = JSON.parse(
          JSON.stringify(
            dataset === 'vulns'
              ? vulnerabilityFindingOf(row as unknown as DeliveredFinding, '1.1.0')
              : deviceInventoryInfoOf(row as unknown as DeliveredAsset, '1.1.0'),
          ),
        );
        expect(validate11(record), schemaErrors(validate11)).toBe(true);
      }
      const read: unknown[] = [];
      for (const file of files) {
        await withDuckDb(file.bytes, async (query) => {
          read.push(...(await query('SELECT * FROM read_parquet($file)')).map(plain));
        });
      }
      const byUid = (records: unknown[]) =>
        [...records].sort((a, b) =>
          String((a as { metadata: { uid: string } }).metadata.uid).localeCompare(
            (b as { metadata: { uid: string } }).metadata.uid,
          ),
        );
      expect(byUid(read)).toEqual(byUid(expected));
    });
  }
});
