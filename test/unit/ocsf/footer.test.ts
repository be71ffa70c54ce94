import { ByteWriter } from 'hyparquet-writer';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { describe, expect, it } from 'vitest';
import { ocsfColumnsOf } from '../../../lib/ocsf/columns';
import { deviceInventoryInfoAttributes } from '../../../lib/ocsf/device-inventory-info';
import { OcsfParquetWriter } from '../../../lib/ocsf/parquet';
import { vulnerabilityFindingAttributes } from '../../../lib/ocsf/vulnerability-finding';
import { assetCases, findingCases } from './rows';

// The footer is written by sc2aws's own Thrift encoder for the fields OCSF files use; it must be
// what hyparquet-writer's generic writer makes of the same metadata, byte for byte.
function footerOf(file: Uint8Array): Uint8Array {
  const view = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const length = view.readUInt32LE(file.length - 8);
  return file.subarray(file.length - 8 - length, file.length - 8);
}

function genericFooter(writer: OcsfParquetWriter): Uint8Array {
  const out = new ByteWriter();
  writeMetadata(out, { ...writer.metadata(), metadata_length: 0 } as never);
  // Without the length writeMetadata appends.
  return out.getBytes().slice(0, out.offset - 4);
}

describe('OCSF Parquet footer', () => {
  for (const version of ['1.1.0', '1.3.0'] as const) {
    for (const codec of ['SNAPPY', 'ZSTD'] as const) {
      it(`is hyparquet-writer's, byte for byte: findings ${version} ${codec}, one and several row groups`, () => {
        const columns = ocsfColumnsOf('vulnerabilityFinding', version);
        const rows = Object.values(findingCases);
        for (const groups of [[rows], [rows.slice(0, 1), rows.slice(1), rows.slice(0, 2)]]) {
          const writer = new OcsfParquetWriter({
            columns,
            codec,
            metadata: { 'ocsf.version': version, 'sc2aws.source_part': 'vulns/part-00000.ndjson.gz' },
          });
          for (const group of groups)
            writer.writeRowGroup(group.map((row) => vulnerabilityFindingAttributes(row, version)));
          const file = writer.finish();
          expect(Buffer.from(footerOf(file))).toEqual(Buffer.from(genericFooter(writer)));
        }
      });
    }
    it(`is hyparquet-writer's, byte for byte: assets ${version}, one row each`, () => {
      const columns = ocsfColumnsOf('deviceInventoryInfo', version);
      for (const row of Object.values(assetCases)) {
        const writer = new OcsfParquetWriter({ columns, codec: 'SNAPPY', metadata: { k: 'é ✓' } });
        writer.writeRowGroup([deviceInventoryInfoAttributes(row, version)]);
        const file = writer.finish();
        expect(Buffer.from(footerOf(file))).toEqual(Buffer.from(genericFooter(writer)));
      }
    });
  }
});
