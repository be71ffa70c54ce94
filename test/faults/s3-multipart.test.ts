// @module-tag runtime
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createS3Store, type ObjectStore, PartWriter } from '#lib/sink';
import { type LocalS3, startS3 } from '#support/s3';
import { sdkRetriesWithoutBackoff } from '#support/sdk-retries';
import { injectS3Faults, type S3Faults } from './support/s3-faults';

const KEY = 'raw/dataset=vulns/dt=2026-11-23/run=20261123T000000Z-00000000/part-00000.ndjson.gz';

/**
 * A part big enough for lib-storage to upload it in several S3 parts (the export's parts reach
 * 64 MiB; the fault matrix's are small enough for a single PutObject). Random hex does not
 * compress much, so 14 MiB of it gives a gzip object of about 7 MiB: two UploadParts of 5 MiB.
 */
describe('S3 faults on multipart part uploads', () => {
  let s3: LocalS3;
  let faults: S3Faults;
  let store: ObjectStore;
  let sent: string[];

  beforeEach(async () => {
    s3 = await startS3();
    const client = s3.client({ retryStrategy: sdkRetriesWithoutBackoff() });
    sent = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    // s3rver answers AbortMultipartUpload with 405; S3 answers 204. Answer as S3 does, or
    // lib-storage reports the failed abort instead of the failure that caused it.
    client.middlewareStack.add(
      (next, context) => async (args) =>
        context.commandName === 'AbortMultipartUploadCommand'
          ? {
              response: { statusCode: 204, headers: {}, body: Readable.from([]) },
              output: undefined as never,
            }
          : next(args),
      { step: 'deserialize', priority: 'low', name: 'abortLikeS3' },
    );
    faults = injectS3Faults(client);
    store = createS3Store({ client, bucket: s3.bucket, prefix: 'sc2aws', partSizeBytes: 5 * 1024 * 1024 });
  });
  afterEach(async () => {
    await s3.close();
  });

  const writePart = async () => {
    const writer = new PartWriter(store, () => KEY, { partSizeBytes: 64 * 1024 * 1024, gzipLevel: 1 });
    for (let i = 0; i < 14; i++) await writer.write([randomBytes(512 * 1024).toString('hex')]);
    return writer.finishPart();
  };
  const stored = async () => {
    const object = await store.getText(KEY).catch(() => undefined);
    if (object === undefined) return undefined;
    const bytes = Buffer.concat((await (await store.getStream(KEY)).toArray()) as Buffer[]);
    return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  };

  it('rides out 503 SlowDown on an UploadPart within the SDK retries, storing the part whole', async () => {
    // Prepare
    faults.add({
      commands: ['UploadPartCommand'],
      key: /part-00000/,
      status: 503,
      code: 'SlowDown',
      times: 2,
    });

    // Act
    const part = await writePart();

    // Assert
    expect(sent.filter((c) => c === 'UploadPartCommand').length).toBeGreaterThanOrEqual(2);
    expect(faults.hits).toHaveLength(2);
    expect(await stored()).toEqual({ bytes: part?.bytes, sha256: part?.sha256 });
  });

  it('fails a persistently refused UploadPart with SINK_WRITE_FAILED, aborts the upload and leaves no object', async () => {
    // Prepare
    faults.add({
      commands: ['UploadPartCommand'],
      key: /part-00000/,
      status: 500,
      code: 'InternalError',
      times: Infinity,
    });

    // Act
    const err = await writePart().catch((e: unknown) => e);

    // Assert
    expect(err).toMatchObject({
      code: 'SINK_WRITE_FAILED',
      message: expect.stringMatching(/part-00000\.ndjson\.gz failed \(InternalError, HTTP 500\)\. Fix:/),
    });
    expect(sent).toEqual(
      expect.arrayContaining(['CreateMultipartUploadCommand', 'AbortMultipartUploadCommand']),
    );
    expect(sent).not.toContain('CompleteMultipartUploadCommand');
    expect(await stored()).toBeUndefined();
  });
});
