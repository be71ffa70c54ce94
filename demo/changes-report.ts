import { gunzipSync } from 'node:zlib';
import { parseDocument } from '#lib/errors';
import { DetailType, eventDetail } from '#lib/events';
import { findingId } from '#lib/findings';
import { CHANGE_TYPES, type ChangeCounts, type ChangeType, changesManifestSchema } from '#lib/lifecycle';
import { consolePrefix } from '#lib/product';
import type { ScanChange, ScanRecord } from '#sim';
import type { FakeEvent } from './aws-fake';
import type { Cycle } from './cycles';

/** One committed change run: what the lifecycle said about one delivered vulns or fixed run. */
export interface ChangeRunReport {
  cycle: number;
  dataset: string;
  runId: string;
  baseline: boolean;
  rows: number;
  counts: ChangeCounts;
  unchanged: number;
  /** The run's `Findings Changed` event says the same rows, counts and baseline as its manifest. */
  eventAgrees: boolean;
}

/**
 * One console's change feed of both cycles, checked against its simulator's record of the scan
 * between them.
 */
export interface LifecycleReport {
  console: string;
  runs: ChangeRunReport[];
  /** Epoch seconds of the scan between the cycles (the simulator clock). */
  scanAt: number;
  /** The simulator's record, as the change types a consumer must see. */
  expected: ChangeCounts;
  /** The second cycle's change runs, summed. */
  observed: ChangeCounts;
  /** Per change type, finding ids only one side has: empty when the feed names the scan's findings. */
  idMismatches: { change: ChangeType; missing: string[]; unexpected: string[] }[];
  /** Each of the second cycle's finding windows holds the scan's time. */
  windowsHoldScan: boolean;
}

/** How each kind of scan change must reach the change feed. */
const CHANGE_OF_SCAN: Record<ScanChange['kind'], ChangeType> = {
  new: 'new',
  fixed: 'fixed',
  reopened: 'reopened',
  recast: 'risk_recast',
};

const zero = (): ChangeCounts => ({
  new: 0,
  fixed: 0,
  reopened: 0,
  changed: 0,
  risk_accepted: 0,
  risk_recast: 0,
});

/**
 * Reads a console's change feed (`<prefix>/console=<id>/changes/…`) and its `Findings Changed`
 * events, and compares the second cycle's changes with the scan its simulator recorded: counts per
 * type, and the finding ids, computed from the scan's rows by the same identity the delivery uses
 * (the console is part of it).
 */
export function buildLifecycleReport(input: {
  console: string;
  objects: readonly { key: string; body: Buffer }[];
  prefix: string;
  events: readonly FakeEvent[];
  cycles: readonly Cycle[];
  scan: ScanRecord;
}): LifecycleReport {
  const cycleOf = (runId: string) => input.cycles.find((c) => c.runs.some((r) => r.runId === runId))?.cycle;
  const manifests = input.objects
    .filter(
      (o) =>
        o.key.startsWith(`${consolePrefix(input.prefix, input.console)}/changes/dt=`) &&
        o.key.endsWith('/_manifest.json'),
    )
    .map((o) => {
      const parsed = parseDocument(changesManifestSchema, o.body.toString('utf8'));
      if (!parsed.ok) throw new Error(`The demo's ${o.key} is not valid: ${parsed.problem}.`);
      return parsed.value;
    });
  const changed = input.events
    .flatMap((e) => eventDetail(e, DetailType.FindingsChanged) ?? [])
    .filter((d) => d.consoleId === input.console);
  const runs = manifests
    .map((m): ChangeRunReport => {
      const event = changed.find((d) => d.runId === m.runId && d.dataset === m.dataset);
      return {
        cycle: cycleOf(m.runId) ?? 0,
        dataset: m.dataset,
        runId: m.runId,
        baseline: m.details.baseline,
        rows: m.totals.rows,
        counts: m.details.counts,
        unchanged: m.details.unchanged,
        eventAgrees:
          event !== undefined &&
          event.rowCount === m.totals.rows &&
          event.baseline === m.details.baseline &&
          CHANGE_TYPES.every((t) => event.counts[t] === m.details.counts[t]),
      };
    })
    .sort((a, b) => a.cycle - b.cycle || a.dataset.localeCompare(b.dataset));

  const expected = zero();
  const expectedIds = new Map<ChangeType, Set<string>>(CHANGE_TYPES.map((t) => [t, new Set()]));
  for (const change of input.scan.changes) {
    const type = CHANGE_OF_SCAN[change.kind];
    expected[type] += 1;
    expectedIds.get(type)?.add(findingId({ ...change.row }, input.console));
  }
  const observed = zero();
  const observedIds = new Map<ChangeType, Set<string>>(CHANGE_TYPES.map((t) => [t, new Set()]));
  for (const m of manifests.filter((m) => cycleOf(m.runId) === 2)) {
    for (const type of CHANGE_TYPES) observed[type] += m.details.counts[type];
    for (const part of m.parts) {
      // A change manifest names its parts by their key in its bucket, as it stands.
      const object = input.objects.find((o) => o.key === part.key);
      if (object === undefined) throw new Error(`The change part ${part.key} is missing.`);
      for (const line of gunzipSync(object.body).toString('utf8').split('\n')) {
        if (line === '') continue;
        const row = JSON.parse(line) as { finding_id: string; change: ChangeType };
        observedIds.get(row.change)?.add(row.finding_id);
      }
    }
  }
  const idMismatches = CHANGE_TYPES.map((change) => {
    const want = expectedIds.get(change) ?? new Set<string>();
    const got = observedIds.get(change) ?? new Set<string>();
    return {
      change,
      missing: [...want].filter((id) => !got.has(id)),
      unexpected: [...got].filter((id) => !want.has(id)),
    };
  }).filter((m) => m.missing.length > 0 || m.unexpected.length > 0);
  const second = input.cycles.find((c) => c.cycle === 2)?.runs ?? [];
  const findingRuns = second.filter((r) => r.dataset === 'vulns' || r.dataset === 'fixed');
  return {
    console: input.console,
    runs,
    scanAt: input.scan.at,
    expected,
    observed,
    idMismatches,
    windowsHoldScan:
      findingRuns.length === 2 &&
      findingRuns.every((r) => r.window.start <= input.scan.at && input.scan.at <= r.window.end),
  };
}

/** The report's checks of a console's lifecycle: baseline first, then exactly the scan's changes. */
export function lifecycleChecks(report: LifecycleReport): { name: string; ok: boolean }[] {
  const name = (text: string) => `${report.console}: ${text}`;
  const inCycle = (n: number) => report.runs.filter((r) => r.cycle === n);
  const bothDatasets = (n: number) =>
    inCycle(n)
      .map((r) => r.dataset)
      .sort()
      .join() === 'fixed,vulns';
  return [
    {
      name: name("the first cycle's change runs (vulns, fixed) are baseline, the second cycle's are not"),
      ok:
        bothDatasets(1) &&
        bothDatasets(2) &&
        inCycle(1).every((r) => r.baseline) &&
        inCycle(2).every((r) => !r.baseline),
    },
    {
      name: name("the second cycle's windows reach the time of the scan between the cycles"),
      ok: report.windowsHoldScan,
    },
    {
      name: name(
        `the second cycle's changes are the simulator's scan, by type and finding id: ${summary(report.expected)}`,
      ),
      ok:
        CHANGE_TYPES.every((t) => report.observed[t] === report.expected[t]) &&
        report.idMismatches.length === 0,
    },
    {
      name: name(`each change run has its ${DetailType.FindingsChanged} event, with the manifest's counts`),
      ok: report.runs.length > 0 && report.runs.every((r) => r.eventAgrees),
    },
  ];
}

/** `12 new, 10 fixed, 6 reopened, 4 risk_recast` (types with none left out). */
function summary(counts: ChangeCounts): string {
  const parts = CHANGE_TYPES.filter((t) => counts[t] > 0).map((t) => `${counts[t]} ${t}`);
  return parts.length === 0 ? 'no change' : parts.join(', ');
}

export function printLifecycleReport(report: LifecycleReport, line: (text: string) => void): void {
  line(
    `  ${report.console}: finding lifecycle: change runs (<prefix>/console=${report.console}/changes/dt=…/run=…), one Findings Changed event each:`,
  );
  line(
    '    cycle  dataset  baseline   rows  new  fixed  reopened  changed  risk_accepted  risk_recast  unchanged',
  );
  for (const r of report.runs) {
    const c = r.counts;
    line(
      `    ${String(r.cycle).padStart(5)}  ${r.dataset.padEnd(7)}  ${(r.baseline ? 'yes' : 'no').padEnd(8)}  ${String(r.rows).padStart(5)}  ${String(c.new).padStart(3)}  ${String(c.fixed).padStart(5)}  ${String(c.reopened).padStart(8)}  ${String(c.changed).padStart(7)}  ${String(c.risk_accepted).padStart(13)}  ${String(c.risk_recast).padStart(11)}  ${String(r.unchanged).padStart(9)}`,
    );
  }
  line(
    `    the simulator's scan between the cycles (${new Date(report.scanAt * 1000).toISOString()}): ${summary(report.expected)}`,
  );
  line(`    the second cycle's change feed:                        ${summary(report.observed)}`);
  for (const m of report.idMismatches)
    line(
      `    ${m.change}: ${m.missing.length} finding id(s) missing from the feed, ${m.unexpected.length} not in the scan`,
    );
}
