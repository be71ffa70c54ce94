import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverRun, deliveryRequestOf } from '#lib/delivery';
import { DetailType, EVENT_DETAIL_SCHEMAS, type Sc2awsEvent } from '#lib/events';
import { exportDataset } from '#lib/export';
import { changesManifestSchema } from '#lib/lifecycle';
import { type PartInfo, runManifestSchema } from '#lib/sink';
import { DELIVERY_SETTINGS } from '#support/delivery';
import { type ExportHarness, exportHarness } from '#support/export-harness';

/** The harness's DATA_PREFIX: not empty, so a key relative to it misses the object. */
const PREFIX = 'sc2aws';

/** Detail types whose detail names an object (they carry a `manifest`). */
const NAMING_OBJECTS = Object.entries(EVENT_DETAIL_SCHEMAS)
  .filter(([, schema]) => 'manifest' in schema.shape)
  .map(([type]) => type);

/** GetObject as a subscriber calls it: the bucket and key exactly as given, no prefix added. */
async function getObject(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await out.Body?.transformToByteArray()) ?? []);
}

function bucketAndKey(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (match === null) throw new Error(`not an s3:// address: ${uri}`);
  return { bucket: match[1] as string, key: match[2] as string };
}

describe('the objects an event names, fetched as a subscriber does', () => {
  let h: ExportHarness;
  afterEach(async () => {
    await h?.close();
  });

  /** An export, a delivery that runs out of time at once, and the delivery that finishes it. */
  async function publishEveryObjectEvent(): Promise<Sc2awsEvent[]> {
    h = await exportHarness({ store: 's3' });
    const completed = await exportDataset(h.deps(), h.settings(), 'vulns');
    expect(completed.status).toBe('completed');
    const onBus = (e: Sc2awsEvent) => ({ source: 'sc2aws', 'detail-type': e.detailType, detail: e.detail });
    const exportEvent = h.events.find((e) => e.detailType === DetailType.ExportCompleted) as Sc2awsEvent;
    const rawKey = deliveryRequestOf(onBus(exportEvent), h.s3?.bucket as string, PREFIX, [
      'default',
    ]).manifestKey;
    const deps = {
      store: h.store,
      events: { publish: async (e: Sc2awsEvent) => void h.events.push(e) },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    };
    const first = await deliverRun({ ...deps, remainingMs: () => 0 }, DELIVERY_SETTINGS, rawKey);
    expect(first.status).toBe('continued');
    const continuation = h.events.at(-1) as Sc2awsEvent;
    const next = deliveryRequestOf(onBus(continuation), h.s3?.bucket as string, PREFIX, [
      'default',
    ]).manifestKey;
    expect((await deliverRun(deps, DELIVERY_SETTINGS, next)).status).toBe('delivered');
    return h.events;
  }

  it('finds every manifest and part an event names with GetObject(detail.bucket, key), under a data prefix', async () => {
    // Prepare
    const events = await publishEveryObjectEvent();
    const client = (h.s3 as NonNullable<ExportHarness['s3']>).client();
    const fetched = new Set<string>();

    // Act & assert: each event that names an object, followed to its manifest and on to every part.
    for (const event of events) {
      const detail = event.detail as { manifest?: string; bucket?: string; manifestKey?: string };
      if (detail.manifest === undefined) continue;
      const byUri = bucketAndKey(detail.manifest);
      const manifestBytes = await getObject(client, byUri.bucket, byUri.key);
      if (detail.manifestKey !== undefined) {
        const byKey = await getObject(client, detail.bucket as string, detail.manifestKey);
        expect(byKey.equals(manifestBytes), `${event.detailType}: manifestKey names the manifest`).toBe(true);
        expect(detail).toMatchObject({ detailVersion: 2, bucket: h.s3?.bucket });
      }
      const document = JSON.parse(manifestBytes.toString('utf8')) as { kind?: string };
      const manifest =
        document.kind === 'changes'
          ? changesManifestSchema.parse(document)
          : runManifestSchema.parse(document);
      expect(manifest).toMatchObject({ manifestVersion: 2, bucket: h.s3?.bucket });
      const named: PartInfo[] = [
        ...manifest.parts,
        ...(manifest.kind === 'findings' ? (manifest.details?.rejected.parts ?? []) : []),
      ];
      expect(named.length).toBeGreaterThan(0);
      for (const part of named) {
        const bytes = await getObject(client, manifest.bucket as string, part.key);
        expect(createHash('sha256').update(bytes).digest('hex'), part.key).toBe(part.sha256);
      }
      if (manifest.kind === 'findings' || manifest.kind === 'changes') {
        const source = await getObject(client, manifest.bucket as string, manifest.details?.source ?? '');
        expect(runManifestSchema.parse(JSON.parse(source.toString('utf8'))).kind).toBe(
          manifest.kind === 'findings' ? 'raw' : 'findings',
        );
      }
      fetched.add(event.detailType);
    }
    expect([...fetched].sort()).toEqual([...NAMING_OBJECTS].sort());
  });
});
