import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type DocumentSchema, parseDocument } from '#lib/errors';
import { DetailType } from '#lib/events';
import { exportStateSchema } from '#lib/export';
import type { DeliveredFinding } from '#lib/findings';
import { ocsfRunManifestSchema, vulnerabilityFindingOf } from '#lib/ocsf';
import {
  COMMITTED_FOLDER,
  committedKey,
  type FindingsRunManifest,
  type RawRunManifest,
  runManifestSchema,
} from '#lib/sink';
import type { ScanRecord, SimulatorKeys } from '#sim';
import type { AwsFake } from './aws-fake';
import { buildLifecycleReport, type LifecycleReport, lifecycleChecks } from './changes-report';
import type { Cycle } from './cycles';
import type { LocalLambdas } from './lambdas';
import type { LocalS3 } from './s3';

export interface DatasetReport {
  /** The schedule cycle that exported the run (1 or 2). */
  cycle: number;
  dataset: string;
  runId: string;
  window: string;
  /**
   * Rows the simulator held for the run's query and window when its cycle ended: what the export
   * must contain.
   */
  simulatorRows: number | null;
  rawRows: number;
  rawParts: number;
  invocations: number;
  deliveredRows: number;
  rejectedRows: number;
  duplicates: number;
  rawManifest: string;
  findingsManifest: string | null;
  /** The run as OCSF 1.3 (`ocsf/class=…/…/_manifest.json`): its class, files and rows; null if none. */
  ocsf: { className: string; classUid: number; files: number; rows: number; codec: string } | null;
}

export interface DemoReport {
  ok: boolean;
  checks: { name: string; ok: boolean }[];
  datasets: DatasetReport[];
  events: { source: string; detailType: string; about: string; runId?: string }[];
  invocations: { fn: string; trigger: string; ok: boolean }[];
  continuations: number;
  outputDir: string;
  sampleFindings: Record<string, unknown>[];
  /** The first sample finding as the OCSF Vulnerability Finding record its Parquet file holds. */
  sampleOcsf: Record<string, unknown> | null;
  keyMaterialFound: boolean;
  /** The change feed of both cycles, against the simulator's record of the scan between them. */
  lifecycle: LifecycleReport;
}

/** Reads back everything the run wrote, copies it to `<out>/bucket/`, and checks the outcome. */
export async function buildReport(input: {
  cycles: Cycle[];
  /** The simulator's record of the scan between the cycles. */
  scan: ScanRecord;
  s3: LocalS3;
  aws: AwsFake;
  lambdas: LocalLambdas;
  out: string;
  keys: (SimulatorKeys | undefined)[];
}): Promise<DemoReport> {
  const objects = await input.s3.objects();
  const bucketDir = join(input.out, 'bucket');
  const texts: string[] = [];
  for (const object of objects) {
    const path = join(bucketDir, object.key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, object.body);
    texts.push(
      object.key.endsWith('.gz') ? gunzipSync(object.body).toString('utf8') : object.body.toString('utf8'),
    );
  }
  // What the run wrote is read back through the same schemas the functions read it with.
  const parse = <T>(schema: DocumentSchema<T>, key: string, body: Buffer): T => {
    const parsed = parseDocument(schema, body.toString('utf8'));
    if (!parsed.ok) throw new Error(`The demo's ${key} is not valid: ${parsed.problem}.`);
    return parsed.value;
  };
  const manifests = objects
    .filter(
      (o) =>
        o.key.endsWith('_manifest.json') &&
        !o.key.startsWith('sc2aws/ocsf/') &&
        !o.key.startsWith('sc2aws/changes/'),
    )
    .map((o) => parse(runManifestSchema, o.key, o.body));
  const ocsfManifests = objects
    .filter((o) => o.key.endsWith('_manifest.json') && o.key.startsWith('sc2aws/ocsf/'))
    .map((o) => parse(ocsfRunManifestSchema, o.key, o.body));

  const runOf = (runId: string) =>
    input.cycles.flatMap((c) => c.runs.map((r) => ({ ...r, cycle: c.cycle }))).find((r) => r.runId === runId);
  const datasets: DatasetReport[] = manifests
    .filter((m): m is RawRunManifest => m.kind === 'raw')
    .map((raw) => {
      const delivered = manifests.find(
        (m): m is FindingsRunManifest => m.kind === 'findings' && m.runId === raw.runId,
      );
      const details = delivered?.details;
      const ocsf = ocsfManifests.find((m) => m.runId === raw.runId && m.dataset === raw.dataset);
      const run = runOf(raw.runId);
      return {
        cycle: run?.cycle ?? 0,
        dataset: raw.dataset,
        runId: raw.runId,
        window: `${raw.window.startIso} … ${raw.window.endIso}`,
        simulatorRows: run?.simulatorRows ?? null,
        rawRows: raw.totals.rows,
        rawParts: raw.totals.parts,
        invocations: raw.details?.invocations ?? 1,
        deliveredRows: delivered?.totals.rows ?? 0,
        rejectedRows: details?.rejected?.rows ?? 0,
        duplicates: details?.duplicates ?? 0,
        rawManifest: `s3://${input.s3.bucket}/${raw.parts[0]?.key.replace(/part-\d+\.ndjson\.gz$/, '_manifest.json') ?? ''}`,
        findingsManifest: delivered
          ? `findings/dataset=${delivered.dataset}/…/run=${delivered.runId}/_manifest.json`
          : null,
        ocsf:
          ocsf === undefined
            ? null
            : {
                className: ocsf.className,
                classUid: ocsf.classUid,
                files: ocsf.totals.parts,
                rows: ocsf.totals.rows,
                codec: ocsf.codec,
              },
      };
    })
    .sort((a, b) => a.cycle - b.cycle || a.dataset.localeCompare(b.dataset));

  const events = input.aws.events.map((e) => ({
    source: e.source,
    detailType: e['detail-type'],
    about: String(
      e.detail.dataset ?? e.detail.labelUpdated ?? e.detail.versionStage ?? e.detail.versionId ?? '',
    ),
    ...(typeof e.detail.runId === 'string' ? { runId: e.detail.runId } : {}),
  }));
  const types = events.map((e) => e.detailType);
  const firstFindings = objects.find(
    (o) => o.key.includes('/findings/dataset=vulns/') && o.key.endsWith('.gz'),
  );
  const sampleFindings = firstFindings
    ? gunzipSync(firstFindings.body)
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '')
        .slice(0, 3)
        .map((l) => {
          const f = JSON.parse(l) as Record<string, unknown>;
          return {
            finding_id: f.finding_id,
            state: f.state,
            severity: f.severity,
            plugin_name: f.plugin_name,
            ip: f.ip,
            port: f.port,
            last_seen: f.last_seen,
          };
        })
    : [];
  const firstFinding = firstFindings
    ? (JSON.parse(
        gunzipSync(firstFindings.body).toString('utf8').split('\n')[0] as string,
      ) as DeliveredFinding)
    : undefined;
  const sampleOcsf =
    firstFinding === undefined
      ? null
      : (vulnerabilityFindingOf(firstFinding) as unknown as Record<string, unknown>);
  const haystack =
    `${texts.join('\n')}\n${JSON.stringify(events)}\n${JSON.stringify(input.aws.events)}`.toLowerCase();
  const keyMaterialFound = input.keys.some(
    (k) =>
      k !== undefined &&
      (haystack.includes(k.accessKey.toLowerCase()) || haystack.includes(k.secretKey.toLowerCase())),
  );
  // What the Athena tables read: one committed list per manifested run, naming exactly its parts.
  const lists = objects.filter((o) => o.key.includes(`/${COMMITTED_FOLDER}/dataset=`));
  const committedOk =
    lists.length === manifests.length &&
    manifests.every((m) => {
      const key = `sc2aws/${committedKey(m.kind, m.dataset, m.window.endIso.slice(0, 10), m.runId)}`;
      const expected = m.parts.map((p) => `s3://${m.bucket}/${p.key}\n`).join('');
      return lists.find((o) => o.key === key)?.body.toString('utf8') === expected;
    });
  const state = (d: string) => {
    const object = objects.find((o) => o.key === `sc2aws/state/${d}.json`);
    return object === undefined ? undefined : parse(exportStateSchema, object.key, object.body);
  };
  const lifecycle = buildLifecycleReport({
    objects,
    prefix: 'sc2aws',
    events: input.aws.events,
    cycles: input.cycles,
    scan: input.scan,
  });
  const latestRun = (dataset: string) => datasets.filter((d) => d.dataset === dataset).at(-1)?.runId;
  const checks = [
    {
      name: `keys rotated in: ${DetailType.KeyValidationSucceeded}, then ${DetailType.KeyRotationCompleted}`,
      ok:
        types.indexOf(DetailType.KeyRotationCompleted) > types.indexOf(DetailType.KeyValidationSucceeded) &&
        types.includes(DetailType.KeyValidationSucceeded),
    },
    { name: 'no key validation failed', ok: !types.includes(DetailType.KeyValidationFailed) },
    {
      name: 'every dataset exported and delivered, in each of the two cycles',
      ok: [1, 2].every((cycle) =>
        ['vulns', 'fixed', 'assets'].every((d) =>
          datasets.some((r) => r.cycle === cycle && r.dataset === d && r.findingsManifest !== null),
        ),
      ),
    },
    {
      name: 'raw rows equal the simulator rows of each window (counted as each cycle ended)',
      ok: datasets.every((d) => d.simulatorRows === null || d.simulatorRows === d.rawRows),
    },
    {
      name: 'delivered rows = raw rows − duplicates − rejected',
      ok: datasets.every((d) => d.deliveredRows === d.rawRows - d.duplicates - d.rejectedRows),
    },
    { name: 'a continuation happened', ok: types.includes(DetailType.ExportContinuationRequested) },
    {
      name: `the tables' ${COMMITTED_FOLDER}/ lists name exactly the parts of each manifested run`,
      ok: committedOk,
    },
    {
      name: `each run's ${DetailType.ExportCompleted} is followed by its ${DetailType.FindingsDelivered}`,
      ok: datasets.every((d) => {
        const at = (type: string) => events.findIndex((e) => e.detailType === type && e.runId === d.runId);
        return (
          at(DetailType.ExportCompleted) >= 0 &&
          at(DetailType.FindingsDelivered) > at(DetailType.ExportCompleted)
        );
      }),
    },
    {
      name: 'every delivered run is also committed as OCSF 1.3 Parquet: one record per change (vulns, fixed), per host (assets)',
      ok: datasets.every((d) => {
        const changes = lifecycle.runs.find((r) => r.runId === d.runId && r.dataset === d.dataset);
        const expected = d.dataset === 'assets' ? d.deliveredRows : changes?.rows;
        return d.ocsf !== null && d.ocsf.rows === expected;
      }),
    },
    {
      name: "checkpoints point at each dataset's latest delivered run",
      ok: ['vulns', 'fixed', 'assets'].every((d) => {
        const latest = latestRun(d);
        return latest !== undefined && state(d)?.checkpoint?.runId === latest;
      }),
    },
    ...lifecycleChecks(lifecycle),
    { name: 'every invocation succeeded', ok: input.lambdas.invocations.every((i) => i.ok) },
    { name: 'no key material in any object, event or report', ok: !keyMaterialFound },
  ];
  return {
    ok: checks.every((c) => c.ok),
    checks,
    datasets,
    events,
    invocations: input.lambdas.invocations.map(({ fn, trigger, ok }) => ({ fn, trigger, ok })),
    continuations: types.filter((t) => t === DetailType.ExportContinuationRequested).length,
    outputDir: bucketDir,
    sampleFindings,
    sampleOcsf,
    keyMaterialFound,
    lifecycle,
  };
}
