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

  it('writes text and byte lines alike as NDJSON, counting rows, bytes and the stored sha256', async () => {
    const writer = new PartWriter(createLocalStore(dir), (i) => `part-${i}.ndjson.gz`, {
      partSizeBytes: 1 << 20,
    });
    const body = Buffer.from('[{"ip":"10.0.0.1","dns":"ü.example"},{"ip":"10.0.0.2"}]');
    await writer.write([body.subarray(1, 37), body.subarray(38, 55)]);
    await writer.write(['{"ip":"10.0.0.3","name":"Zoë \\"q\\""}', Buffer.from('{}')]);
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

  it('writes rows that already sit in one buffer as NDJSON as they are, and copies any others', async () => {
    const writer = new PartWriter(createLocalStore(dir), (i) => `part-${i}.ndjson.gz`, {
      partSizeBytes: 1 << 20,
    });
    const body = Buffer.from('x{"a":1}\n{"b":2}\n{"c":3}\ny');
    const [a, b, c] = [body.subarray(1, 8), body.subarray(9, 16), body.subarray(17, 24)];
    await writer.write([a, b, c]); // one run, newlines in place
    await writer.write([a, c]); // not adjacent: copied
    await writer.write([body.subarray(17, 24), body.subarray(25, 26)]); // "y" has no newline after it
    const part = await writer.finishPart();
    const text = gunzipSync(await readFile(join(dir, 'part-0.ndjson.gz'))).toString();
    expect(text).toBe('{"a":1}\n{"b":2}\n{"c":3}\n{"a":1}\n{"c":3}\n{"c":3}\ny\n');
    expect(part?.rows).toBe(7);
    expect(part?.uncompressedBytes).toBe(Buffer.byteLength(text));
    expect(body.toString()).toBe('x{"a":1}\n{"b":2}\n{"c":3}\ny'); // the caller's bytes are not changed
  });

  it('has read the lines once write() resolves: the caller may overwrite their memory', async () => {
    const writer = new PartWriter(createLocalStore(dir), (i) => `part-${i}.ndjson.gz`, {
      partSizeBytes: 1 << 30,
    });
    const expected: string[] = [];
    // One buffer reused for every page, like the client's pool. Pages below the stream's buffer
    // size are the case to get right: write() accepts them at once, before gzip has read them.
    const page = Buffer.alloc(8 * 1024);
    for (let p = 0; p < 50; p++) {
      const rows: Buffer[] = [];
      let at = 0;
      for (let r = 0; at < page.length - 200; r++) {
        const line = Buffer.from(JSON.stringify({ page: p, row: r, pad: 'x'.repeat((p * 7 + r) % 97) }));
        line.copy(page, at);
        rows.push(page.subarray(at, at + line.length));
        page[at + line.length] = 0x0a;
        at += line.length + 1;
        expected.push(line.toString());
      }
      await writer.write(rows);
      page.fill(0x21); // what the next page brings, written over this one
    }
    await writer.finishPart();
    const text = gunzipSync(await readFile(join(dir, 'part-0.ndjson.gz'))).toString();
    expect(text).toBe(`${expected.join('\n')}\n`);
  });

  it('reports a full part only after a whole call, at the size asked for', async () => {
    const writer = new PartWriter(createLocalStore(dir), (i) => `part-${i}.ndjson.gz`, { partSizeBytes: 10 });
    await writer.write([Buffer.from('{"a":1}')]);
    expect(writer.partFull).toBe(false);
    await writer.write(['{"b":2}', '{"c":3}']);
    expect(writer.partFull).toBe(true);
    expect(writer.pendingBytes).toBe(24);
    expect((await writer.finishPart())?.rows).toBe(3);
    expect(writer.nextIndex).toBe(1);
  });
});
