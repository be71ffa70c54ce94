import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { ErrorCode } from '#lib/errors';
import { createEventPublisher } from '#lib/events';
import { exportDatasets, exportSettings } from '#lib/export';
import { noMetrics } from '#lib/metrics';
import { STAGED_LABEL } from '#lib/rotation';
import { createApiKeySource } from '#lib/secrets';
import { createLocalStore } from '#lib/sink';
import { ScClient } from '#lib/tenable';
import { type SimulatorHandle, type SimulatorUser, startSimulator } from '#sim';
import { runCliInProcess } from '#support/cli';
import { deliverFully } from '#support/delivery';
import { fakeSecretsManager, SECRET_ARN } from '#support/fake-secrets-manager';
import { canaryKeys, errorSurface, expectNoKeyMaterial } from '#support/keys';
import { recordingLogger } from '#support/log-recorder';
import { type LocalS3, startS3 } from '#support/s3';

const header = (k: { accessKey: string; secretKey: string }) =>
  `accesskey=${k.accessKey}; secretkey=${k.secretKey};`;
const context = (name: string) =>
  ({
    functionName: name,
    awsRequestId: `req-${Math.random().toString(36).slice(2)}`,
    getRemainingTimeInMillis: () => 600_000,
  }) as unknown as Context;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** A stored object as text: gzip parts decompressed. */
const asText = (name: string, bytes: Buffer) =>
  (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');

/**
 * The Lambdas and the CLI run on canary key pairs, through success and failure (rejected keys,
 * TLS failure, SC errors that quote the key back). No byte of a canary may appear in what leaves
 * the process: stdout/stderr (Powertools logs and EMF metrics included), log records, errors and
 * their causes, EventBridge details, or any object written to S3 or disk.
 */
describe('no secret leaves', () => {
  const live = canaryKeys(); // what AWSCURRENT holds at first (SC user svc-canary)
  const next = canaryKeys(); // the pair an operator stages and rotates in (SC user svc-canary-next)
  const dead = canaryKeys(); // a pair SC never issued
  const secrets = [live, next, dead].flatMap((k) => [k.accessKey, k.secretKey]);
  const users: SimulatorUser[] = [
    {
      id: '7',
      username: 'svc-canary',
      roleId: '4',
      roleName: 'Vulnerability Analyst',
      orgId: '1',
      orgName: 'Acme',
      keys: live,
    },
    {
      id: '8',
      username: 'svc-canary-next',
      roleId: '4',
      roleName: 'Vulnerability Analyst',
      orgId: '1',
      orgName: 'Acme',
      keys: next,
    },
  ];
  const eb = mockClient(EventBridgeClient);
  const saved = { ...process.env };
  const written: string[] = [];
  const thrown: unknown[] = [];
  let stdout: MockInstance;
  let stderr: MockInstance;
  let sim: SimulatorHandle;
  let s3: LocalS3;
  let sm: ReturnType<typeof fakeSecretsManager>;
  let dir: string;

  const clean = (what: string, text: string) => {
    expect(text.length, `${what} is empty: the capture saw nothing`).toBeGreaterThan(0);
    expectNoKeyMaterial(text, ...secrets);
  };
  const processOutput = () => written.join('');
  const events = () =>
    eb
      .commandCalls(PutEventsCommand)
      .flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => e.Detail ?? ''));
  const eventTypes = () =>
    eb
      .commandCalls(PutEventsCommand)
      .flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => e.DetailType));
  const load = async (fn: string, env: Record<string, string | undefined>) => {
    vi.resetModules();
    process.env = {
      ...saved,
      ...s3.environment(),
      POWERTOOLS_METRICS_DISABLED: 'false',
      SC_URL: sim.url,
      SC_SECRET_ARN: SECRET_ARN,
      SC_CA_BUNDLE: sim.caPem,
      DATA_BUCKET: s3.bucket,
      DATA_PREFIX: 'sc2aws',
      EVENT_BUS_NAME: 'sc2aws',
      ...env,
    };
    return import(`../../functions/${fn}/handler`) as Promise<{
      handler: (event: unknown, context: Context) => Promise<unknown>;
    }>;
  };
  const invoke = async (
    fn: { handler: (e: unknown, c: Context) => Promise<unknown> },
    name: string,
    event: unknown,
  ) => {
    try {
      const result = await fn.handler(event, context(name));
      written.push(JSON.stringify(result ?? null));
      return result;
    } catch (err) {
      thrown.push(err);
      return err;
    }
  };
  const cli = async (args: string[], env: Record<string, string> = {}) => {
    const { code, stdout: out, stderr: err } = await runCliInProcess(args, env);
    return { code, out, err };
  };
  /** SC answers with an error that quotes the caller's keys back (a proxy or a buggy SC build). */
  const echoKeys = (keys: { accessKey: string; secretKey: string }, path: string, extra = {}) =>
    sim.control.injectFault({
      kind: 'sc-error',
      status: 403,
      errorCode: 0,
      errorMsg: `Invalid API key: ${header(keys)} (${keys.secretKey.toUpperCase()})`,
      path,
      ...extra,
    });

  beforeAll(async () => {
    // Everything the process prints, captured (and kept off the test output).
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    sim = await startSimulator({ seed: 4, vulnCount: 300, fixedCount: 40, hostCount: 20, users });
    s3 = await startS3();
    sm = fakeSecretsManager();
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-canary-'));
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    sm.put('C', header(live), ['AWSCURRENT']);
  });
  afterAll(async () => {
    stdout.mockRestore();
    stderr.mockRestore();
    process.env = saved;
    eb.restore();
    sm.mock.restore();
    await sim.close();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('validate-keys: validation, a full rotation, a rejected pair, an echoed key and a TLS failure', async () => {
    // Prepare
    sm.put('S', header(next), [STAGED_LABEL]);
    sm.put('T', undefined, ['AWSPENDING']);
    const fn = await load('validate-keys', {});
    const step = (Step: string) => ({ Step, SecretId: SECRET_ARN, ClientRequestToken: 'T' });

    // Act
    await invoke(fn, 'validate-keys', { action: 'validate' });
    for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'])
      await invoke(fn, 'validate-keys', step(s));
    sm.put('D', header(dead), [STAGED_LABEL]);
    await invoke(fn, 'validate-keys', { action: 'validate', versionStage: STAGED_LABEL });
    echoKeys(next, '/rest/currentUser');
    await invoke(fn, 'validate-keys', {
      source: 'aws.secretsmanager',
      'detail-type': 'Secret Label Updated',
      resources: [SECRET_ARN],
      detail: { labelUpdated: 'AWSCURRENT', versionId: 'T' },
    });
    const untrusting = await load('validate-keys', { SC_CA_BUNDLE: undefined });
    await invoke(untrusting, 'validate-keys', { action: 'validate' });

    // Assert: it all happened…
    expect(sm.holder('AWSCURRENT')).toBe('T');
    expect(eventTypes()).toEqual(
      expect.arrayContaining(['Key Validation Succeeded', 'Key Rotation Completed', 'Key Validation Failed']),
    );
    const details = events().join('\n');
    expect(details).toContain(ErrorCode.ScKeysRejected);
    expect(details).toContain(ErrorCode.ScTls);
    expect(details).toMatch(/SC says: \\"Invalid API key: accesskey=\[redacted\]/); // the echo reached the reason, scrubbed
    expect(processOutput()).toMatch(/"_aws":\{"Timestamp"/); // EMF metrics reached stdout
    expect(processOutput()).toMatch(/SC API key validation failed/);
    // …and Secrets Manager, the one place keys belong, is where the scan does find them.
    const stored = sm.mock.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input.SecretString ?? '');
    expect(() => expectNoKeyMaterial(stored.join('\n'), ...secrets)).toThrow(/leaked/);
    // …and nothing of the keys left through any other door.
    clean('EventBridge details', details);
    clean('stdout/stderr', processOutput());
  });

  it('pull-analysis and forward-results: a run, rejected and echoed keys, then the delivery; every S3 object', async () => {
    // Prepare
    const pull = await load('pull-analysis', { PAGE_SIZE: '100' });

    // Act: a scheduled run, then a run whose SC quotes the keys back while rejecting them.
    const summary = (await invoke(pull, 'pull-analysis', {
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      detail: {},
    })) as { outcomes: { status: string }[] };
    echoKeys(next, '/rest/analysis', { times: 3 });
    const failure = await invoke(pull, 'pull-analysis', { datasets: ['vulns'] });
    sim.control.clearFaults();
    const forward = await load('forward-results', {});
    const completed = eb
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .filter((e) => e.DetailType === 'Export Completed');
    for (const e of completed)
      await invoke(forward, 'forward-results', {
        source: 'sc2aws',
        'detail-type': 'Export Completed',
        detail: JSON.parse(e.Detail ?? '{}'),
      });

    // Assert
    expect(summary.outcomes.map((o) => o.status)).toEqual(['completed', 'completed', 'completed']);
    expect(failure).toMatchObject({ code: 'SC_KEYS_REJECTED' });
    expect(eventTypes().filter((t) => t === 'Findings Delivered')).toHaveLength(3);
    const client = s3.client();
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, MaxKeys: 1000 }));
    const objects = await Promise.all(
      (listed.Contents ?? []).map(async ({ Key }) => {
        const out = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key }));
        return asText(Key ?? '', Buffer.from(await (out.Body?.transformToByteArray() ?? new Uint8Array())));
      }),
    );
    expect(listed.IsTruncated).toBe(false);
    // Every object is the one console's, under its console=default/ folder of the data prefix.
    const keys = (listed.Contents ?? []).map((o) => (o.Key ?? '').split('/'));
    expect(new Set(keys.map((k) => k[1]))).toEqual(new Set(['console=default']));
    expect(new Set(keys.map((k) => k[2]))).toEqual(
      new Set(['raw', 'findings', 'state', 'changes', 'current']),
    );
    expect(objects.join('\n')).toMatch(/"pluginID"/);
    clean('S3 objects', objects.join('\n'));
    clean('error surfaces', thrown.map(errorSurface).join('\n'));
    clean('EventBridge details', events().join('\n'));
    clean('stdout/stderr', processOutput());
    expect(processOutput()).toMatch(/"ScErrors"/); // the failure's EMF metric was printed
  });

  it('the library with a recording logger: export and delivery, an echoed key, a TLS failure', async () => {
    // Prepare
    const logger = recordingLogger();
    const store = createLocalStore(join(dir, 'lib-out'));
    const source = createApiKeySource({ client: sm.client(), secretId: SECRET_ARN });
    const sc = (ca?: string) =>
      new ScClient({
        url: sim.url,
        ...(ca === undefined ? {} : { ca }),
        keys: {
          current: async () => (await source.get()).keys,
          refresh: async () => (await source.get({ forceRefresh: true })).keys,
        },
        logger,
        retry: { maxAttempts: 2, sleep: async () => {} },
      });
    const publisher = createEventPublisher({ client: new EventBridgeClient({ region: 'us-east-1' }) });
    const settings = exportSettings({
      severityFloor: 0,
      pageSize: 100,
      overlapSeconds: 3600,
      lookbackSeconds: 90 * 86400,
      partSizeBytes: 1 << 20,
      timeGuardMs: 1000,
      maxInvocations: 24,
    });
    const deps = (client: ScClient) => ({
      sc: client,
      store,
      events: publisher,
      metrics: noMetrics,
      logger,
      clock: Date.now,
      remainingMs: () => Number.POSITIVE_INFINITY,
      owner: 'lib',
    });

    // Act
    const good = sc(sim.caPem);
    const summary = await exportDatasets(deps(good), settings, ['vulns', 'fixed', 'assets']);
    for (const o of summary.outcomes)
      if (o.status === 'completed')
        await deliverFully(
          { store, events: publisher, logger },
          { pluginOutputMaxBytes: 8192 },
          o.manifest.replace(/^.*?raw\//, 'raw/'),
        );
    echoKeys(next, '/rest/analysis', { times: 3 });
    await exportDatasets(deps(good), settings, ['vulns']).catch((e: unknown) => thrown.push(e));
    sim.control.clearFaults();
    await exportDatasets(deps(sc()), settings, ['fixed']).catch((e: unknown) => thrown.push(e));
    await good.close();

    // Assert
    expect(logger.text()).toContain(ErrorCode.ScKeysRejected);
    expect(logger.text()).toContain(ErrorCode.ScTls);
    clean('log records', logger.text());
    clean('error surfaces', thrown.map(errorSurface).join('\n'));
    const files = await filesUnder(join(dir, 'lib-out'));
    clean(
      'written files',
      (await Promise.all(files.map(async (f) => asText(f, await readFile(f))))).join('\n'),
    );
  });

  it('the CLI: validate, export and keys stage, through success, rejection, echoed keys and TLS failure', async () => {
    // Prepare
    const caFile = join(dir, 'ca.pem');
    const liveFile = join(dir, 'live-keys');
    const deadFile = join(dir, 'dead-keys');
    await writeFile(caFile, sim.caPem);
    await writeFile(liveFile, header(live), { mode: 0o600 });
    await writeFile(deadFile, header(dead), { mode: 0o600 });
    const out = join(dir, 'cli-out');
    const validate = ['validate', '--url', sim.url, '--ca-file', caFile];

    // Act
    const runs = [
      await cli([...validate, '--keys-file', liveFile]),
      await cli([...validate, '--keys-env', 'SC_KEYS', '--json'], { SC_KEYS: header(live) }),
      await cli([...validate, '--secret-id', SECRET_ARN, '--region', 'us-east-1', '--json']),
      await cli([...validate, '--keys-file', deadFile, '--json']),
      await cli(['validate', '--url', sim.url, '--keys-file', liveFile]),
      await cli(['export', '--url', sim.url, '--ca-file', caFile, '--keys-file', liveFile, '--out', out]),
      await cli([
        'keys',
        'stage',
        '--secret-id',
        SECRET_ARN,
        '--url',
        sim.url,
        '--ca-file',
        caFile,
        '--keys-file',
        deadFile,
        '--rotate',
      ]),
      await cli([
        'keys',
        'stage',
        '--secret-id',
        SECRET_ARN,
        '--url',
        sim.url,
        '--ca-file',
        caFile,
        '--keys-file',
        liveFile,
        '--json',
      ]),
    ];
    echoKeys(live, '/rest/currentUser');
    runs.push(await cli([...validate, '--keys-file', liveFile]));
    echoKeys(live, '/rest/analysis', { after: 2, times: 3 });
    runs.push(
      await cli([
        'export',
        '--url',
        sim.url,
        '--ca-file',
        caFile,
        '--keys-file',
        liveFile,
        '--out',
        join(dir, 'cli-out-2'),
        '--since',
        '2020-01-01T00:00:00Z',
      ]),
    );
    sim.control.clearFaults();

    // Assert
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 2, 4, 0, 2, 0, 2, 2]);
    expect(runs[8]?.err).toMatch(
      /SC says: "Invalid API key: accesskey=\[redacted\]; secretkey=\[redacted\]; \(\[redacted\]\)"/,
    );
    clean('CLI stdout and stderr', runs.map((r) => r.out + r.err).join('\n'));
    const files = [...(await filesUnder(out)), ...(await filesUnder(join(dir, 'cli-out-2')))];
    expect(files.some((f) => f.endsWith('.ndjson.gz'))).toBe(true);
    clean(
      'exported files',
      (await Promise.all(files.map(async (f) => asText(f, await readFile(f))))).join('\n'),
    );
    clean('stdout/stderr', processOutput());
  });
});
