import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalStore } from '#lib/sink';
import { prunePart } from '../../../lib/delivery/duplicates';

describe('pruning a findings part', () => {
  it('names the findings part and the run state folder to delete when neither the stored part nor a new transform gives the bytes it recorded', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'sc2aws-prune-'));
    const store = createLocalStore(dir);
    const key = 'findings/dataset=vulns/dt=2026-11-23/run=20261123T000000Z-deadbeef/part-00003.ndjson.gz';
    await store.putText(key, 'changed');
    const part = { key, rows: 2, bytes: 40, uncompressedBytes: 80, sha256: 'a'.repeat(64) };

    // Act
    const refused = await prunePart(store, part, new Set([0]), async () => Buffer.from('other')).catch(
      (err: Error) => err,
    );

    // Assert
    expect(refused).toMatchObject({ code: 'STATE_CORRUPT' });
    const message = (refused as Error).message;
    expect(message).toContain(
      `${store.uri(key)} is not what the delivery saved there (it is not the findings part`,
    );
    expect(message).toContain(
      `every object under ${store.uri('state/delivery/dataset=vulns/run=20261123T000000Z-deadbeef/')}, then redeliver`,
    );
    await rm(dir, { recursive: true, force: true });
  });
});
