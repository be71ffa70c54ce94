import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type DocumentSchema, parseDocument } from '#lib/errors';
import { DetailType } from '#lib/events';
import { exportStateSchema } from '#lib/export';
import type { DeliveredFinding } from '#lib/findings';
import { ocsfRunManifestSchema, vulnerabilityFindingOf } from '#lib/ocsf';
import { consolePrefix } from '#lib/product';
import { COMMITTED_FOLDER, committedKey, type FindingsRunManifest, runManifestSchema } from '#lib/sink';
import type { ScanRecord, SimulatorKeys } from '#sim';
import type { AwsFake } from './aws-fake';
import { buildLifecycleReport, type LifecycleReport, lifecycleChecks } from './changes-report';
import type { Cycle } from './cycles';
import type { LocalLambdas } from './lambdas';
import type { LocalS3 } from './s3';
import { readTables, type TablesReading } from './tables';

export interface DatasetReport {
  /** The console whose run it is (its `console=<id>/` folder). */
  console: string;
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
  /** Every event, in order; `console` is the consoleId sc2aws stamps on its own (none on native ones). */
  events: { source: string; detailType: string; about: string; console?: string; runId?: string }[];
  invocations: { fn: string; trigger: string; ok: boolean }[];
  /** Export continuations per console. */
  continuations: Record<string, number>;
  outputDir: string;
  sampleFindings: Record<string, unknown>[];
  /** The first sample finding as the OCSF Vulnerability Finding record its Parquet file holds. */
  sampleOcsf: Record<string, unknown> | null;
  keyMaterialFound: boolean;
  /** Each console's change feed of both cycles, against its simulator's record of the scan between them. */
  lifecycles: LifecycleReport[];
  /** The tables read once across `console=*\/`: rows per console, and the addresses both consoles scanned. */
  tables: TablesReading;
}

/** One console of the run: its id, its schedule cycles, and its simulator's record of the scan. */
export interface ConsoleRun {
  id: string;
  cycles: Cycle[];
  scan: ScanRecord;
}

/** The console folder and the kind of a key under the data prefix: `sc2aws/console=east/raw/…`. */
const KEY = /^sc2aws\/console=(?<console>[^/]+)\/(?<kind>[^/]+)\//;
const keyParts = (key: string) => KEY.exec(key)?.groups as { console: string; kind: string } | undefined;

/** Reads back everything the run wrote, copies it to `<out>/bucket/`, and checks the outcome. */
export async function buildReport(input: {
  consoles: ConsoleRun[];
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
  // Run manifests of every console, each with the console its folder names.
  const manifestsOf = (kinds: string[]) =>
    objects.flatMap((o) => {
      const parts = keyParts(o.key);
      return o.key.endsWith('/_manifest.json') && parts !== undefined && kinds.includes(parts.kind)
        ? [{ ...o, console: parts.console }]
        : [];
    });
  const manifests = manifestsOf(['raw', 'findings']).map((o) => ({
    console: o.console,
    manifest: parse(runManifestSchema, o.key, o.body),
  }));
  const ocsfManifests = manifestsOf(['ocsf']).map((o) => ({
    console: o.console,
    manifest: parse(ocsfRunManifestSchema, o.key, o.body),
  }));

  const runOf = (consoleId: string, runId: string) =>
    input.consoles
      .find((c) => c.id === consoleId)
      ?.cycles.flatMap((c) => c.runs.map((r) => ({ ...r, cycle: c.cycle })))
      .find((r) => r.runId === runId);
  const consoleIds = input.consoles.map((c) => c.id);
  const datasets: DatasetReport[] = manifests
    .flatMap(({ console, manifest }) => (manifest.kind === 'raw' ? [{ console, raw: manifest }] : []))
    .map(({ console, raw }) => {
      // Run ids are unique within a console only: two consoles' runs of one window share theirs.
      const delivered = manifests
        .filter((m) => m.console === console)
        .map((m) => m.manifest)
        .find((m): m is FindingsRunManifest => m.kind === 'findings' && m.runId === raw.runId);
      const details = delivered?.details;
      const ocsf = ocsfManifests.find(
        (m) => m.console === console && m.manifest.runId === raw.runId && m.manifest.dataset === raw.dataset,
      )?.manifest;
      const run = runOf(console, raw.runId);
      return {
        console,
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
          ? `console=${console}/findings/dataset=${delivered.dataset}/…/run=${delivered.runId}/_manifest.json`
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
    .sort(
      (a, b) =>
        consoleIds.indexOf(a.console) - consoleIds.indexOf(b.console) ||
        a.cycle - b.cycle ||
        a.dataset.localeCompare(b.dataset),
    );

  const events = input.aws.events.map((e) => ({
    source: e.source,
    detailType: e['detail-type'],
    about: String(
      e.detail.dataset ?? e.detail.labelUpdated ?? e.detail.versionStage ?? e.detail.versionId ?? '',
    ),
    ...(typeof e.detail.consoleId === 'string' ? { console: e.detail.consoleId } : {}),
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
            console_id: f.console_id,
            finding_id: f.finding_id,
            asset_id: f.asset_id,
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
  // What the Athena tables read: one committed list per manifested run, in its console's folder,
  // naming exactly its parts.
  const lists = objects.filter((o) => o.key.includes(`/${COMMITTED_FOLDER}/dataset=`));
  const committedOk =
    lists.length === manifests.length &&
    manifests.every(({ console, manifest: m }) => {
      const key = `${consolePrefix('sc2aws', console)}/${committedKey(m.kind, m.dataset, m.window.endIso.slice(0, 10), m.runId)}`;
      const expected = m.parts.map((p) => `s3://${m.bucket}/${p.key}\n`).join('');
      return lists.find((o) => o.key === key)?.body.toString('utf8') === expected;
    });
  const state = (consoleId: string, d: string) => {
    const key = `${consolePrefix('sc2aws', consoleId)}/state/${d}.json`;
    const object = objects.find((o) => o.key === key);
    return object === undefined ? undefined : parse(exportStateSchema, object.key, object.body);
  };
  const lifecycles = input.consoles.map((c) =>
    buildLifecycleReport({
      console: c.id,
      objects,
      prefix: 'sc2aws',
      events: input.aws.events,
      cycles: c.cycles,
      scan: c.scan,
    }),
  );
  const tables = readTables(objects, 'sc2aws', input.s3.bucket);
  const latestRun = (consoleId: string, dataset: string) =>
    datasets.filter((d) => d.console === consoleId && d.dataset === dataset).at(-1)?.runId;
  const own = events.filter((e) => e.source === 'sc2aws');
  const typesOf = (consoleId: string) => own.filter((e) => e.console === consoleId).map((e) => e.detailType);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const delivered = (consoleId: string, names: string[]) =>
    sum(
      datasets
        .filter((d) => d.console === consoleId && names.includes(d.dataset))
        .map((d) => d.deliveredRows),
    );
  const [rotated] = consoleIds;
  const checks = [
    {
      name: `${rotated}'s keys rotated in: ${DetailType.KeyValidationSucceeded}, then ${DetailType.KeyRotationCompleted}, both naming ${rotated}`,
      ok:
        typesOf(rotated ?? '').indexOf(DetailType.KeyRotationCompleted) >
          typesOf(rotated ?? '').indexOf(DetailType.KeyValidationSucceeded) &&
        typesOf(rotated ?? '').includes(DetailType.KeyValidationSucceeded),
    },
    {
      name: `each console's keys validated on its own secret's Secret Label Updated: a ${DetailType.KeyValidationSucceeded} naming each console`,
      ok: consoleIds.every((id) => typesOf(id).includes(DetailType.KeyValidationSucceeded)),
    },
    { name: 'no key validation failed', ok: !types.includes(DetailType.KeyValidationFailed) },
    {
      name: `every sc2aws event names one of the consoles (${consoleIds.join(', ')}) as consoleId`,
      ok: own.length > 0 && own.every((e) => e.console !== undefined && consoleIds.includes(e.console)),
    },
    {
      name: 'every dataset exported and delivered, for each console, in each of the two cycles',
      ok: consoleIds.every((id) =>
        [1, 2].every((cycle) =>
          ['vulns', 'fixed', 'assets'].every((d) =>
            datasets.some(
              (r) => r.console === id && r.cycle === cycle && r.dataset === d && r.findingsManifest !== null,
            ),
          ),
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
    {
      name: 'a continuation happened, for each console',
      ok: consoleIds.every((id) => typesOf(id).includes(DetailType.ExportContinuationRequested)),
    },
    {
      name: `the tables' ${COMMITTED_FOLDER}/ lists name exactly the parts of each manifested run`,
      ok: committedOk,
    },
    {
      name: `each run's ${DetailType.ExportCompleted} is followed by its ${DetailType.FindingsDelivered}`,
      ok: datasets.every((d) => {
        const at = (type: string) =>
          events.findIndex((e) => e.detailType === type && e.console === d.console && e.runId === d.runId);
        return (
          at(DetailType.ExportCompleted) >= 0 &&
          at(DetailType.FindingsDelivered) > at(DetailType.ExportCompleted)
        );
      }),
    },
    {
      name: 'every delivered run is also committed as OCSF 1.3 Parquet: one record per change (vulns, fixed), per host (assets)',
      ok: datasets.every((d) => {
        const changes = lifecycles
          .find((l) => l.console === d.console)
          ?.runs.find((r) => r.runId === d.runId && r.dataset === d.dataset);
        const expected = d.dataset === 'assets' ? d.deliveredRows : changes?.rows;
        return d.ocsf !== null && d.ocsf.rows === expected;
      }),
    },
    {
      name: "each console's checkpoints (console=<id>/state/) point at its datasets' latest delivered runs",
      ok: consoleIds.every((id) =>
        ['vulns', 'fixed', 'assets'].every((d) => {
          const latest = latestRun(id, d);
          return latest !== undefined && state(id, d)?.checkpoint?.runId === latest;
        }),
      ),
    },
    ...lifecycles.flatMap(lifecycleChecks),
    {
      name: "the tables, read once across console=*/, hold each console's delivered findings, assets and changes, and its open findings; every row's console_id is its folder's",
      ok:
        tables.consoles.map((t) => t.console).join() === [...consoleIds].sort().join() &&
        tables.consoles.every(
          (t) =>
            t.findings.vulns === delivered(t.console, ['vulns']) &&
            t.findings.fixed === delivered(t.console, ['fixed']) &&
            t.assets === delivered(t.console, ['assets']) &&
            t.changes ===
              sum(
                lifecycles.filter((l) => l.console === t.console).flatMap((l) => l.runs.map((r) => r.rows)),
              ) &&
            t.current > 0 &&
            t.foreign === 0,
        ),
    },
    {
      name: `an address both consoles scanned is two assets: ${tables.sharedAddresses} shared addresses, ${tables.sameHostAddresses} of them one host identity on both, each with one asset_id per console, that of its host and console`,
      ok:
        tables.sharedAddresses > 0 &&
        tables.sameHostAddresses > 0 &&
        tables.sameAssetId === 0 &&
        tables.assetIdMismatches === 0 &&
        tables.sample.every((s) => s.assets.length === consoleIds.length),
    },
    { name: 'every invocation succeeded', ok: input.lambdas.invocations.every((i) => i.ok) },
    { name: 'no key material in any object, event or report', ok: !keyMaterialFound },
  ];
  return {
    ok: checks.every((c) => c.ok),
    checks,
    datasets,
    events,
    invocations: input.lambdas.invocations.map(({ fn, trigger, ok }) => ({ fn, trigger, ok })),
    continuations: Object.fromEntries(
      consoleIds.map((id) => [
        id,
        typesOf(id).filter((t) => t === DetailType.ExportContinuationRequested).length,
      ]),
    ),
    outputDir: bucketDir,
    sampleFindings,
    sampleOcsf,
    keyMaterialFound,
    lifecycles,
    tables,
  };
}
