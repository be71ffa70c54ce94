import { DetailType, type EventPublisher } from '#lib/events';
import { createNormalizeContext, normalizeRow } from '#lib/findings';
import type { LogSink } from '#lib/logging';
import {
  commitRun,
  committedKey,
  type FindingsRunManifest,
  manifestKey,
  type ObjectStore,
  PartWriter,
  partKey,
  runPrefix,
  totalsOf,
} from '#lib/sink';
import { DedupePlan } from './dedupe';
import { readRawManifest } from './raw-manifest';
import { rawLines } from './raw-reader';

export interface DeliveryDeps {
  store: ObjectStore;
  events: EventPublisher;
  logger: LogSink;
  bucket?: string;
}

export interface DeliverySettings {
  pluginOutputMaxBytes: number;
  partSizeBytes: number;
}

export interface DeliveryResult {
  dataset: string;
  runId: string;
  manifest: string;
  rows: number;
  rejected: number;
  duplicates: number;
}

/**
 * Turns one completed raw run into delivered findings: reads the raw manifest, streams every part
 * twice (checking each part's sha256 both times) — first to plan the dedupe by `finding_id` (newest
 * `last_seen` wins), then to normalize and write `findings/…` parts, with rows that fail validation
 * going to `rejected/…` with their reason. The run is committed last (the findings `_manifest.json`,
 * then its committed list, the only thing the findings tables read), then `Findings Delivered` is
 * published: a delivery that fails midway leaves parts no table reads. Keys and content depend only
 * on the raw run, so delivering a run twice writes the same objects.
 *
 * @example
 * ```ts
 * await deliverRun(deps, settings, 'raw/dataset=vulns/dt=2026-11-23/run=…/_manifest.json');
 * ```
 */
export async function deliverRun(
  deps: DeliveryDeps,
  settings: DeliverySettings,
  rawManifestKey: string,
): Promise<DeliveryResult> {
  const raw = await readRawManifest(deps.store, rawManifestKey);
  const dataset = raw.dataset;
  const dt = raw.window.endIso.slice(0, 10);
  // collected_at is the run time (the window end), not the delivery time: redelivery is identical.
  const ctx = createNormalizeContext({
    dataset,
    runId: raw.runId,
    collectedAt: raw.window.endIso,
    scHost: raw.sc.host,
    scVersion: raw.sc.version,
    pluginOutputMaxBytes: settings.pluginOutputMaxBytes,
  });
  const idOf = (row: Record<string, unknown>) =>
    (dataset === 'assets' ? row.asset_id : row.finding_id) as string;
  const timeOf = (row: Record<string, unknown>) => (row.last_seen as string | null) ?? '';

  const plan = new DedupePlan(raw.totals.rows);
  for await (const { line, seq } of rawLines(deps.store, raw.parts)) {
    const result = normalizeRow(parseLine(line), ctx);
    if (result.ok)
      plan.observe(
        idOf(result.row as unknown as Record<string, unknown>),
        timeOf(result.row as unknown as Record<string, unknown>),
        seq,
      );
  }

  const outPrefix = runPrefix('findings', dataset, dt, raw.runId);
  const rejectPrefix = runPrefix('rejected', dataset, dt, raw.runId);
  const findings = new PartWriter(deps.store, (i) => partKey(outPrefix, i), {
    partSizeBytes: settings.partSizeBytes,
  });
  const rejected = new PartWriter(deps.store, (i) => partKey(rejectPrefix, i), {
    partSizeBytes: settings.partSizeBytes,
  });
  let duplicates = 0;
  let rejectedRows = 0;
  try {
    let batch: string[] = [];
    for await (const { line, seq, part } of rawLines(deps.store, raw.parts)) {
      const result = normalizeRow(parseLine(line), ctx);
      if (!result.ok) {
        rejectedRows += 1;
        await rejected.write([JSON.stringify({ reason: result.reason, part, line: seq, raw: line })]);
        continue;
      }
      const row = result.row as unknown as Record<string, unknown>;
      if (!plan.keep(idOf(row), timeOf(row), seq)) {
        duplicates += 1;
        continue;
      }
      batch.push(JSON.stringify(row));
      if (batch.length >= 500) {
        await findings.write(batch);
        batch = [];
        if (findings.partFull) await findings.finishPart();
      }
    }
    await findings.write(batch);
    await findings.finishPart();
    await rejected.finishPart();
  } catch (err) {
    await findings.abort();
    await rejected.abort();
    throw err;
  }

  const manifest: FindingsRunManifest = {
    manifestVersion: 1,
    kind: 'findings',
    dataset,
    runId: raw.runId,
    window: raw.window,
    sc: raw.sc,
    parts: findings.completed,
    totals: totalsOf(findings.completed),
    createdAt: raw.createdAt,
    details: {
      source: rawManifestKey,
      rawRows: raw.totals.rows,
      duplicates,
      rejected: { rows: rejectedRows, parts: rejected.completed },
    },
  };
  const key = manifestKey(outPrefix);
  await commitRun(
    deps.store,
    { manifestKey: key, committedKey: committedKey('findings', dataset, dt, raw.runId) },
    manifest,
  );
  await deps.events.publish({
    detailType: DetailType.FindingsDelivered,
    detail: {
      dataset,
      runId: raw.runId,
      manifest: deps.store.uri(key),
      ...(deps.bucket === undefined ? {} : { bucket: deps.bucket }),
      manifestKey: key,
      rowCount: manifest.totals.rows,
      rejectedCount: rejectedRows,
      duplicateCount: duplicates,
    },
  });
  deps.logger.info('Findings delivered.', {
    dataset,
    runId: raw.runId,
    rows: manifest.totals.rows,
    rejected: rejectedRows,
    duplicates,
  });
  return {
    dataset,
    runId: raw.runId,
    manifest: deps.store.uri(key),
    rows: manifest.totals.rows,
    rejected: rejectedRows,
    duplicates,
  };
}

/** A raw line that is not JSON becomes a rejection (normalizeRow reports non-objects). */
function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}
