// @module-tag runtime
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStore, PartWriter } from '#lib/sink';

describe('PartWriter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-part-writer-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes text lines and NDJSON bytes alike, counting rows, bytes and the stored sha256', async () => {
    const writer = new PartWriter(createLocalStore(dir), (i) => `part-${i}.ndjson.gz`, {
      partSizeBytes: 1 << 20,
    });
    await writer.writeNdjson(Buffer.from('{"ip":"10.0.0.1","dns":"ü.example"}\n{"ip":"10.0.0.2"}\n'), 2);
    await writer.write(['{"ip":"10.0.0.3","name":"Zoë \\"q\\""}', '{}']);
    expect(writer.pendingRows).toBe(4);
    const part = await writer.finishPart();

    const stored = await readFile(join(dir, 'part-0.ndjson.gz'));
    const text = gunzipSync(stored).toString('utf8');
    expect(text).toBe(
      '{"ip":"10.0.0.1","dns":"ü.example"}\n{"ip":"10.0.0.2"}\n{"ip":"10.0.0.3","name":"Zoë \\"q\\""}\n{}\n',
    );
    expect(part).toEqual({
      key: 'part-0.ndjson.gz',
      rows: 4,
      bytes: stored.length,
      uncompressedBytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(stored).digest('hex'),
    });
  });

  it('has read the NDJSON once writeNdjson() resolves: the caller may overwrite its memory', async () => {
    const writer = new PartWriter(createLocalStore(dir), (i) => `part-${i}.ndjson.gz`, {
      partSizeBytes: 1 << 30,
    });
    const expected: string[] = [];
    // One buffer reused for every page, like the client's pool. Pages below the stream's buffer
    // size are the case to get right: write() accepts them at once, before gzip has read them.
    const page = Buffer.alloc(8 * 1024);
    for (let p = 0; p < 50; p++) {
      let rows = 0;
      let at = 0;
      for (let r = 0; at < page.length - 200; r++) {
        const line = Buffer.from(JSON.stringify({ page: p, row: r, pad: 'x'.repeat((p * 7 + r) % 97) }));
        line.copy(page, at);
        page[at + line.length] = 0x0a;
        at += line.length + 1;
        rows += 1;
        expected.push(line.toString());
      }
      await writer.writeNdjson(page.subarray(0, at), rows);
      page.fill(0x21); // what the next page brings, written over this one
    }
    await writer.finishPart();
    const text = gunzipSync(await readFile(join(dir, 'part-0.ndjson.gz'))).toString();
    expect(text).toBe(`${expected.join('\n')}\n`);
  });

  it('reports a full part only after a whole call, at the size asked for', async () => {
    const writer = new PartWriter(createLocalStore(dir), (i) => `part-${i}.ndjson.gz`, { partSizeBytes: 10 });
    await writer.writeNdjson(Buffer.from('{"a":1}\n'), 1);
    expect(writer.partFull).toBe(false);
    await writer.write(['{"b":2}', '{"c":3}']);
    expect(writer.partFull).toBe(true);
    expect(writer.pendingBytes).toBe(24);
    expect((await writer.finishPart())?.rows).toBe(3);
    expect(writer.nextIndex).toBe(1);
  });
});
