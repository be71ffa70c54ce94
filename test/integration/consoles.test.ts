import { CopyObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store, type KeyLister, migrateToConsoleLayout } from '#lib/sink';
import { type SimulatorHandle, startSimulator } from '#sim';
import {
  consolesDeployment,
  contextWith,
  type PublishedEvent,
  secretArnOf,
  type TestConsole,
} from '#support/consoles-deployment';
import { type LocalS3, startS3 } from '#support/s3';

/** One simulator per console, all with the same seed: the same hosts, the same 10.x addresses. */
const SIM = { seed: 4, vulnCount: 300, fixedCount: 30, hostCount: 10 } as const;
const completedOf = (events: PublishedEvent[], consoleId: string) =>
  events.filter((e) => e.type === 'Export Completed' && e.detail.consoleId === consoleId);
const onBus = (e: PublishedEvent) => ({ source: 'sc2aws', 'detail-type': e.type, detail: e.detail });

/**
 * Several consoles in one deployment (issue 25), through the functions as Lambda loads them, over
 * real simulators (HTTPS, each its own CA and keys) and s3rver.
 */
describe('a deployment of several SC consoles', () => {
  let s3: LocalS3;
  let east: SimulatorHandle;
  let west: SimulatorHandle;
  let north: SimulatorHandle;
  let deployment: ReturnType<typeof consolesDeployment>;
  const consoles = (): TestConsole[] => [
    { id: 'east', sim: east },
    { id: 'west', sim: west },
  ];

  beforeAll(async () => {
    [s3, east, west, north] = await Promise.all([
      startS3(),
      startSimulator(SIM),
      startSimulator(SIM),
      startSimulator(SIM),
    ]);
    deployment = consolesDeployment(s3);
  });
  afterAll(async () => {
    deployment.restore();
    await Promise.all([s3.close(), east.close(), west.close(), north.close()]);
  });

  it('lands each console under its own folder, with its own ids, rows and events', async () => {
    // Prepare
    const { pull, forward } = await deployment.load(consoles());

    // Act: each console's schedule rule, then forward-results for every run announced.
    await pull({ console: 'east' }, contextWith(900_000));
    await pull({ console: 'west' }, contextWith(900_000));
    for (const completed of deployment.published().filter((e) => e.type === 'Export Completed'))
      await forward(onBus(completed), contextWith(900_000));

    // Assert: the keys, the secrets each console read, and the console in every event.
    const keys = [...(await deployment.objects('sc2aws/')).keys()];
    for (const id of ['east', 'west']) {
      expect(keys.some((k) => k.startsWith(`sc2aws/console=${id}/raw/dataset=vulns/`))).toBe(true);
      expect(keys.some((k) => k.startsWith(`sc2aws/console=${id}/findings/committed/dataset=assets/`))).toBe(
        true,
      );
      expect(keys).toContain(`sc2aws/console=${id}/state/vulns.json`);
      expect(completedOf(deployment.published(), id)).toHaveLength(2);
    }
    expect(keys.filter((k) => !/^sc2aws\/console=(east|west)\//.test(k))).toEqual([]);
    expect(new Set(deployment.secretsRead())).toEqual(new Set([secretArnOf('east'), secretArnOf('west')]));
    expect(
      deployment.published().every((e) => e.detail.consoleId === 'east' || e.detail.consoleId === 'west'),
    ).toBe(true);
    const delivered = deployment.published().filter((e) => e.type === 'Findings Delivered');
    expect(delivered).toHaveLength(4);
    for (const e of delivered)
      expect(e.detail.manifestKey).toMatch(
        new RegExp(`^sc2aws/console=${String(e.detail.consoleId)}/findings/`),
      );
  });

  it('makes the same host on two consoles two assets, each row naming its console', async () => {
    // Prepare: the assets rows both consoles delivered in the test above.
    const assetsOf = async (id: string) => {
      const delivered = deployment
        .published()
        .find(
          (e) =>
            e.type === 'Findings Delivered' && e.detail.consoleId === id && e.detail.dataset === 'assets',
        );
      const manifest = JSON.parse(await deployment.text(delivered?.detail.manifestKey as string)) as {
        parts: { key: string }[];
      };
      const { gunzipSync } = await import('node:zlib');
      const rows: { ip: string; asset_id: string; console_id: string }[] = [];
      for (const part of manifest.parts) {
        const got = await s3
          .client()
          .send(
            new (await import('@aws-sdk/client-s3')).GetObjectCommand({ Bucket: s3.bucket, Key: part.key }),
          );
        const text = gunzipSync(Buffer.from((await got.Body?.transformToByteArray()) ?? [])).toString('utf8');
        rows.push(
          ...text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line)),
        );
      }
      return rows;
    };

    // Act
    const [eastAssets, westAssets] = [await assetsOf('east'), await assetsOf('west')];

    // Assert: the simulators share their seed, so every address is on both consoles, as two assets.
    expect(eastAssets.length).toBeGreaterThan(0);
    expect(eastAssets.every((r) => r.console_id === 'east')).toBe(true);
    expect(westAssets.every((r) => r.console_id === 'west')).toBe(true);
    const westByIp = new Map(westAssets.map((r) => [r.ip, r.asset_id]));
    for (const row of eastAssets) {
      expect(westByIp.has(row.ip), row.ip).toBe(true);
      expect(westByIp.get(row.ip), row.ip).not.toBe(row.asset_id);
    }
  });

  it('adds a third console without touching the first two: their cursors, state and keys stay as they were', async () => {
    // Prepare: everything the two consoles have, byte for byte, and the secrets read so far.
    const before = {
      east: await deployment.objects('sc2aws/console=east/'),
      west: await deployment.objects('sc2aws/console=west/'),
    };
    const eastCursor = JSON.parse(await deployment.text('sc2aws/console=east/state/vulns.json')) as {
      checkpoint: { end: number };
    };
    const { pull, forward } = await deployment.load([...consoles(), { id: 'north', sim: north }]);
    const seen = deployment.published().length;

    // Act: the new console's schedule and deliveries.
    await pull({ console: 'north' }, contextWith(900_000));
    for (const completed of deployment
      .published()
      .slice(seen)
      .filter((e) => e.type === 'Export Completed'))
      await forward(onBus(completed), contextWith(900_000));

    // Assert: north has its own folder; east and west are unchanged, object for object.
    expect(completedOf(deployment.published(), 'north')).toHaveLength(2);
    expect((await deployment.objects('sc2aws/console=north/state/')).size).toBeGreaterThan(0);
    expect(await deployment.objects('sc2aws/console=east/')).toEqual(before.east);
    expect(await deployment.objects('sc2aws/console=west/')).toEqual(before.west);
    expect(deployment.secretWrites()).toBe(0);

    // Act again: east's next schedule continues from its own cursor.
    await pull({ console: 'east' }, contextWith(900_000));

    // Assert: its next run's window starts at its checkpoint, less the overlap (60 minutes by default).
    const next = deployment
      .published()
      .filter((e) => e.type === 'Export Completed' && e.detail.consoleId === 'east');
    const window = next.at(-2)?.detail.window as { start: number };
    expect(window.start).toBe(eastCursor.checkpoint.end - 3600);
  });

  it("validates each console's keys against its own SC, knowing the console by its secret", async () => {
    // Prepare: north's secret holds keys its SC refuses.
    const { validate } = await deployment.load([
      { id: 'east', sim: east },
      { id: 'west', sim: west },
      { id: 'north', sim: north, secretValue: `accesskey=${'0'.repeat(32)}; secretkey=${'1'.repeat(32)};` },
    ]);
    const seen = deployment.published().length;
    const labelMoved = (id: string) => ({
      source: 'aws.secretsmanager',
      'detail-type': 'Secret Label Updated',
      resources: [secretArnOf(id)],
      detail: { labelUpdated: 'AWSCURRENT', versionId: `v-${id}` },
    });

    // Act: a direct check of west, and AWSCURRENT moving on east's and on north's secrets.
    const direct = await validate({ action: 'validate', console: 'west' }, contextWith(60_000));
    const moved = await validate(labelMoved('east'), contextWith(60_000));
    const refused = await validate(labelMoved('north'), contextWith(60_000));

    // Assert: each checked against its own SC; the events say which console.
    expect([direct, moved, refused]).toMatchObject([{ valid: true }, { valid: true }, { valid: false }]);
    const checks = deployment
      .published()
      .slice(seen)
      .map((e) => [e.type, e.detail.consoleId, e.detail.scUrl, e.detail.secretArn]);
    expect(checks).toEqual([
      ['Key Validation Succeeded', 'west', `${west.url}/`, secretArnOf('west')],
      ['Key Validation Succeeded', 'east', `${east.url}/`, secretArnOf('east')],
      ['Key Validation Failed', 'north', `${north.url}/`, secretArnOf('north')],
    ]);
  });

  it('keeps a healthy console running while another hangs and a third has rejected keys', async () => {
    // Prepare: east's SC accepts connections and never answers; north's secret holds keys SC refuses.
    const { pull } = await deployment.load(
      [
        { id: 'east', sim: east },
        { id: 'west', sim: west },
        { id: 'north', sim: north, secretValue: `accesskey=${'0'.repeat(32)}; secretkey=${'1'.repeat(32)};` },
      ],
      { TIME_GUARD_SECONDS: '5' },
    );
    east.control.injectFault({ kind: 'hang', path: '/rest/system', times: 10 });
    const seen = deployment.published().length;
    const finished: string[] = [];
    // East has 12 s left before its deadline; the others the usual 15 minutes.
    const run = (id: string) =>
      pull({ console: id }, contextWith(id === 'east' ? 12_000 : 900_000, `r-${id}`)).then(
        (summary) => {
          finished.push(id);
          return summary;
        },
        (err: unknown) => {
          finished.push(id);
          return err;
        },
      );

    // Act: the three schedules fire together, as three Lambda invocations would.
    const [hung, healthy, rejected] = await Promise.all([run('east'), run('west'), run('north')]);

    // Assert: west exported while east was still waiting; east and north failed alone, each naming itself.
    expect(healthy).toMatchObject({ outcomes: [{ status: 'completed' }, { status: 'completed' }] });
    expect(finished.indexOf('west')).toBeLessThan(finished.indexOf('east'));
    expect(hung).toMatchObject({ code: 'SC_DEADLINE' });
    expect(rejected).toMatchObject({ code: 'SC_KEYS_REJECTED' });
    const events = deployment.published().slice(seen);
    expect(completedOf(events, 'west')).toHaveLength(2);
    const failed = events.filter((e) => e.type === 'Export Failed');
    expect(new Set(failed.map((e) => `${String(e.detail.consoleId)} ${String(e.detail.errorCode)}`))).toEqual(
      new Set(['east SC_DEADLINE', 'north SC_KEYS_REJECTED']),
    );
  });
});

describe('a data prefix written before consoles', () => {
  let s3: LocalS3;
  let sim: SimulatorHandle;
  let deployment: ReturnType<typeof consolesDeployment>;

  beforeAll(async () => {
    [s3, sim] = await Promise.all([startS3(), startSimulator(SIM)]);
    deployment = consolesDeployment(s3);
  });
  afterAll(async () => {
    deployment.restore();
    await Promise.all([s3.close(), sim.close()]);
  });

  /** Keys under a prefix of the bucket, relative to `root`, as `sc2aws migrate-layout` lists them. */
  const lister =
    (root: string): KeyLister =>
    async (prefix) => {
      const listed = await s3
        .client()
        .send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${root}/${prefix}` }));
      return (listed.Contents ?? []).map((o) => (o.Key ?? '').slice(root.length + 1));
    };

  it('is refused with LAYOUT_LEGACY until it is migrated, then the console continues its cursor', async () => {
    // Prepare: a run exported and delivered, its objects then laid out as before consoles (the
    // console folder's content straight under the prefix, which is what the old layout was).
    const first = await deployment.load([{ id: 'default', sim }], { DATA_PREFIX: 'before' });
    await first.pull({ console: 'default' }, contextWith(900_000));
    for (const done of deployment.published().filter((e) => e.type === 'Export Completed'))
      await first.forward(onBus(done), contextWith(900_000));
    for (const key of (await deployment.objects('before/console=default/')).keys())
      await s3.client().send(
        new CopyObjectCommand({
          Bucket: s3.bucket,
          CopySource: `${s3.bucket}/${key}`,
          Key: key.replace('before/console=default/', 'legacy/'),
        }),
      );
    const oldCursor = JSON.parse(await deployment.text('legacy/state/vulns.json')) as {
      checkpoint: { end: number };
    };
    const { pull, forward } = await deployment.load([{ id: 'default', sim }], { DATA_PREFIX: 'legacy' });

    // Act & assert: refused, naming the old state and the fix; nothing written for the console.
    await expect(pull({ console: 'default' }, contextWith(900_000))).rejects.toMatchObject({
      code: 'LAYOUT_LEGACY',
      message: expect.stringMatching(
        /^s3:\/\/[^ ]+\/legacy\/state\/vulns\.json is state from before consoles: .* Fix: run `sc2aws migrate-layout/,
      ),
    });
    expect((await deployment.objects('legacy/console=default/')).size).toBe(0);

    // Act: the migration, then the console's next schedule.
    const root = createS3Store({ client: s3.client(), bucket: s3.bucket, prefix: 'legacy' });
    const migrated = await migrateToConsoleLayout(root, lister('legacy'));
    const seen = deployment.published().length;
    // SC scans again, so the next run has news for the lifecycle.
    const firstWindow = deployment.published().find((e) => e.type === 'Export Completed')?.detail.window as {
      start: number;
    };
    sim.control.scan({
      newFindings: 3,
      fixed: 2,
      reopened: 0,
      recast: 0,
      since: firstWindow.start,
      minSeverity: 1,
    });
    await pull({ console: 'default' }, contextWith(900_000));

    // Assert: the old state moved; the next run starts at the old checkpoint, less the overlap.
    expect(migrated).toMatchObject({ status: 'migrated', consoleId: 'default' });
    expect(migrated.removed).toBeGreaterThan(0);
    expect(await root.getText('state/vulns.json')).toBeUndefined();
    const next = deployment
      .published()
      .slice(seen)
      .find((e) => e.type === 'Export Completed' && e.detail.dataset === 'vulns');
    if (next === undefined) throw new Error('no vulns run after the migration');
    expect((next.detail.window as { start: number }).start).toBe(oldCursor.checkpoint.end - 3600);
    // The lifecycle goes on from the moved state: the delivery's changes are not a first import.
    await forward(onBus(next), contextWith(900_000));
    const changed = deployment
      .published()
      .slice(seen)
      .find((e) => e.type === 'Findings Changed');
    expect(changed?.detail).toMatchObject({ consoleId: 'default', dataset: 'vulns', baseline: false });
    expect(await migrateToConsoleLayout(root, lister('legacy'))).toMatchObject({
      status: 'nothing-to-migrate',
    });
    const migratedKeys = [...(await deployment.objects('legacy/console=default/')).keys()];
    expect(migratedKeys.some((k) => /\/findings\/committed\/dataset=vulns\//.test(k))).toBe(true);
    expect(migratedKeys.some((k) => k.endsWith('/state/lifecycle/root.json'))).toBe(true);
  });
});
