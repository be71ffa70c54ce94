import { describe, expect, it } from 'vitest';
import { DEVICE_INVENTORY_INFO_COLUMNS, deviceInventoryInfoOf, type OcsfColumn } from '../../../lib/ocsf';
import { RecordShredder } from '../../../lib/ocsf/shred';
import { asset } from '../findings/helpers';

const COLUMNS: readonly OcsfColumn[] = [
  { name: 'time', type: 'long' },
  { name: 'device', struct: [{ name: 'ip', type: 'string' }] },
  { name: 'tags', list: 'string' },
  {
    name: 'vulns',
    list: [
      { name: 'uid', type: 'string' },
      { name: 'refs', list: 'string' },
    ],
  },
];

function shred(records: object[]) {
  const shredder = new RecordShredder(COLUMNS);
  for (const record of records) shredder.add(record);
  return Object.fromEntries(
    shredder.take().map((leaf) => [
      leaf.path.join('.'),
      {
        ...leaf,
        definitionLevels: [...leaf.definitionLevels],
        repetitionLevels: [...leaf.repetitionLevels],
      },
    ]),
  );
}

describe('RecordShredder', () => {
  it('writes each leaf with the Dremel levels of a 3-level LIST schema where every field is optional', () => {
    const leaves = shred([
      {
        time: 5,
        device: { ip: '10.0.0.1' },
        tags: ['a', 'b'],
        vulns: [{ uid: 'x', refs: ['r1', 'r2'] }, { uid: 'y' }],
      },
      { tags: ['c'], vulns: [{ refs: ['r3'] }] },
      {},
    ]);

    expect(leaves.time).toMatchObject({
      values: [5],
      definitionLevels: [1, 0, 0],
      maxDefinitionLevel: 1,
    });
    expect(leaves['device.ip']).toMatchObject({
      values: ['10.0.0.1'],
      definitionLevels: [2, 0, 0],
    });
    expect(leaves['tags.list.element']).toMatchObject({
      values: ['a', 'b', 'c'],
      definitionLevels: [3, 3, 3, 0],
      repetitionLevels: [0, 1, 0, 0],
      maxDefinitionLevel: 3,
      maxRepetitionLevel: 1,
    });
    expect(leaves['vulns.list.element.uid']).toMatchObject({
      values: ['x', 'y'],
      definitionLevels: [4, 4, 3, 0],
      repetitionLevels: [0, 1, 0, 0],
    });
    expect(leaves['vulns.list.element.refs.list.element']).toMatchObject({
      values: ['r1', 'r2', 'r3'],
      definitionLevels: [6, 6, 3, 6, 0],
      repetitionLevels: [0, 2, 1, 0, 0],
      maxDefinitionLevel: 6,
      maxRepetitionLevel: 2,
    });
  });

  it('writes an attribute without a value as null, as a record without its empty parts would have it', () => {
    const leaves = shred([
      {
        time: null,
        device: { ip: undefined },
        tags: [null, 'a', undefined],
        vulns: [
          { uid: undefined, refs: [] },
          { uid: 'y', refs: [null] },
        ],
      },
      { tags: [], vulns: [null, {}] },
    ]);

    expect(leaves.time?.definitionLevels).toEqual([0, 0]);
    expect(leaves['device.ip']?.definitionLevels).toEqual([0, 0]);
    expect(leaves['tags.list.element']).toMatchObject({
      values: ['a'],
      definitionLevels: [3, 0],
      repetitionLevels: [0, 0],
    });
    expect(leaves['vulns.list.element.uid']).toMatchObject({
      values: ['y'],
      definitionLevels: [4, 0],
      repetitionLevels: [0, 0],
    });
    expect(leaves['vulns.list.element.refs.list.element']?.definitionLevels).toEqual([3, 0]);
  });

  it('writes a list OCSF requires as an empty list when none of its elements has a value', () => {
    const shredder = new RecordShredder([
      { name: 'vulnerabilities', list: [{ name: 'uid', type: 'string' }], keptEmpty: true },
    ]);
    shredder.add({ vulnerabilities: [] });
    shredder.add({ vulnerabilities: [{ uid: undefined }] });
    shredder.add({});

    expect(shredder.take()[0]?.definitionLevels).toEqual(new Uint8Array([1, 1, 0]));
  });

  it('starts empty again after take()', () => {
    const shredder = new RecordShredder(COLUMNS);
    shredder.add({ time: 1 });
    shredder.take();

    shredder.add({ time: 2 });

    expect(shredder.rows).toBe(1);
    expect(shredder.take()[0]?.values).toEqual([2]);
  });

  it('throws on an attribute that has no Parquet column instead of dropping it', () => {
    const shredder = new RecordShredder(DEVICE_INVENTORY_INFO_COLUMNS);
    const record = deviceInventoryInfoOf(asset());

    expect(() => shredder.add({ ...record, device: { ...record.device, model: 'x' } })).toThrow(
      'OCSF attribute device.model has no Parquet column',
    );
    expect(() => shredder.add({ ...record, extra: 1 })).toThrow('OCSF attribute extra has no Parquet column');
    expect(() => shredder.add({ ...record, device: { ...record.device, model: undefined } })).not.toThrow();
    expect(() => shredder.add({ ...record, unmapped: { age: 1 } })).toThrow(
      'OCSF attribute unmapped.age has no Parquet column',
    );
  });
});
