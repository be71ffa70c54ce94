import { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { describe, expect, it } from 'vitest';
import { ocsfColumnsOf } from '../../../lib/ocsf/columns';
import { deviceInventoryInfoAttributes } from '../../../lib/ocsf/device-inventory-info';
import { type OcsfPageHeader, pageHeaderBytes } from '../../../lib/ocsf/page-header';
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

describe('OCSF Parquet page headers', () => {
  it("are hyparquet-writer's, byte for byte: dictionary and data v2, small and large sizes", () => {
    const sizes = [0, 1, 14, 15, 63, 64, 127, 128, 8191, 8192, 1_000_000, 2 ** 30 - 1];
    const headers: OcsfPageHeader[] = [];
    for (const n of sizes) {
      headers.push({ type: 'DICTIONARY_PAGE', dictionary_page_header: { num_values: n, encoding: 'PLAIN' } });
      for (const encoding of ['PLAIN', 'RLE_DICTIONARY'] as const)
        headers.push({
          type: 'DATA_PAGE_V2',
          data_page_header_v2: {
            num_values: n,
            num_nulls: Math.floor(n / 3),
            num_rows: Math.floor(n / 2),
            encoding,
            definition_levels_byte_length: n % 1000,
            repetition_levels_byte_length: n % 7,
            is_compressed: true,
          },
        });
    }
    for (const header of headers)
      for (const [uncompressed, compressed] of [
        [0, 0],
        [100, 60],
        [600_000, 250_000],
      ] as const) {
        const generic = new ByteWriter();
        writePageHeader(generic, {
          ...header,
          uncompressed_page_size: uncompressed,
          compressed_page_size: compressed,
        } as never);
        expect(Buffer.from(pageHeaderBytes(header, uncompressed, compressed))).toEqual(
          Buffer.from(generic.getBytes()),
        );
      }
  });
});

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
