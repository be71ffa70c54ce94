import { GetObjectCommand } from '@aws-sdk/client-s3';
import { type DocumentSchema, parseDocument } from '#lib/errors';
import { DetailType, eventDetail } from '#lib/events';
import { type RawRunManifest, runManifestSchema } from '#lib/sink';
import type { SimulatorHandle } from '#sim';
import type { AwsFake } from './aws-fake';
import type { LocalS3 } from './s3';

/** A raw run one schedule cycle exported, with what the simulator held for it when the cycle ended. */
export interface CycleRun {
  dataset: string;
  runId: string;
  /** Epoch seconds of the run's window (inclusive). */
  window: { start: number; end: number };
  /**
   * Rows the simulator held for the run's query and window when the cycle ended (null for sumip):
   * what the export must contain. Counted then, because the scan after it changes the windows.
   */
  simulatorRows: number | null;
}

/** One schedule cycle of one console: its runs, and the events published by its end. */
export interface Cycle {
  console: string;
  cycle: number;
  runs: CycleRun[];
  /** Events on the bus when the cycle ended; the cycle's own follow those of the cycles before. */
  eventsAtEnd: number;
}

/**
 * Marks the end of a console's schedule cycle: the raw runs its `Export Completed` events announced
 * (those whose consoleId is the console's; each raw manifest read back through its schema), and what
 * the console's simulator holds for each run's window now.
 */
export async function endCycle(input: {
  console: string;
  sim: SimulatorHandle;
  s3: LocalS3;
  aws: AwsFake;
  before: readonly Cycle[];
}): Promise<Cycle> {
  const from = input.before.at(-1)?.eventsAtEnd ?? 0;
  const events = input.aws.events.slice(from);
  const runs: CycleRun[] = [];
  for (const event of events) {
    const detail = eventDetail(event, DetailType.ExportCompleted);
    if (detail === undefined || detail.consoleId !== input.console) continue;
    // By its address, `s3://<bucket>/<key>`: the event's manifestKey leaves out the prefix.
    const raw = await readRawManifest(input.s3, detail.manifest.slice(`s3://${input.s3.bucket}/`.length));
    runs.push({
      dataset: raw.dataset,
      runId: raw.runId,
      window: { start: raw.window.start, end: raw.window.end },
      simulatorRows: simulatorRowsOf(input.sim, raw),
    });
  }
  return { console: input.console, cycle: input.before.length + 1, runs, eventsAtEnd: from + events.length };
}

/** The rows SC holds for a raw run's query and window, asked of the simulator's own engine. */
function simulatorRowsOf(sim: SimulatorHandle, raw: RawRunManifest): number | null {
  const query = raw.details?.query as {
    sourceType: 'cumulative' | 'patched';
    tool: string;
    filters: never;
  };
  if (query.tool !== 'vulndetails') return null;
  return sim.dataset.countMatching({
    sourceType: query.sourceType,
    filters: query.filters,
    sortField: raw.window.field,
    sortDir: 'ASC',
  });
}

async function readRawManifest(s3: LocalS3, key: string): Promise<RawRunManifest> {
  const got = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  const text = (await got.Body?.transformToString('utf8')) ?? '';
  const manifest = parseWith(runManifestSchema, key, text);
  if (manifest.kind !== 'raw') throw new Error(`The demo's ${key} is not a raw run manifest.`);
  return manifest;
}

function parseWith<T>(schema: DocumentSchema<T>, key: string, text: string): T {
  const parsed = parseDocument(schema, text);
  if (!parsed.ok) throw new Error(`The demo's ${key} is not valid: ${parsed.problem}.`);
  return parsed.value;
}
