import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { ErrorCode, parseDocument, Sc2awsError } from '#lib/errors';
import type { ObjectStore, PartInfo } from '#lib/sink';
import { type FindingRow, findingRowSchema } from './finding-row';

/** A change part or current file is not what its manifest or the lifecycle wrote. */
export class SecurityHubInputCorruptError extends Sc2awsError {
  constructor(uri: string, problem: string) {
    super(
      ErrorCode.StateCorrupt,
      `Security Hub output stopped: ${uri} is not what sc2aws wrote (${problem}); nothing of it was sent. Fix: rebuild the lifecycle (\`sc2aws lifecycle rebuild\`), which rewrites the change feed and the current table, then send again.`,
    );
  }
}

/** One row of a part, parsed with its schema where it is read. */
export function parseRowLine(line: string, uri: string, index: number): FindingRow {
  const parsed = parseDocument(findingRowSchema, line);
  if (!parsed.ok) throw new SecurityHubInputCorruptError(uri, `line ${index + 1}: ${parsed.problem}`);
  return parsed.value;
}

function rowsOf(text: string, uri: string): FindingRow[] {
  return linesOf(text).map((line, i) => parseRowLine(line, uri, i));
}

function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

const ASSET_ID = /"asset_id":"([0-9a-f]{32})"/;

/** The lifecycle partition of a delivered line's host, read without parsing the whole line. */
export function partitionOfLine(line: string): number {
  const match = ASSET_ID.exec(line.slice(0, 200)) ?? ASSET_ID.exec(line);
  return match === null ? 0 : Number.parseInt((match[1] as string).slice(0, 3), 16);
}

function gunzip(stored: Uint8Array, uri: string): string {
  try {
    return gunzipSync(stored).toString('utf8');
  } catch {
    throw new SecurityHubInputCorruptError(uri, 'it is not gzip');
  }
}

/**
 * The lines of a committed change part, checked against its manifest's sha256, size and rows; each
 * is parsed only when it is sent, so a part's rows are never all objects at once.
 */
export async function readChangePartLines(store: ObjectStore, part: PartInfo): Promise<string[]> {
  const uri = store.uri(part.key);
  const stored = await buffer(await store.getStream(part.key));
  const sha = createHash('sha256').update(stored).digest('hex');
  if (sha !== part.sha256 || stored.byteLength !== part.bytes)
    throw new SecurityHubInputCorruptError(uri, `sha256 or size differ from its manifest's`);
  const lines = linesOf(gunzip(stored, uri));
  if (lines.length !== part.rows)
    throw new SecurityHubInputCorruptError(uri, `${lines.length} rows, its manifest says ${part.rows}`);
  return lines;
}

/** The rows of a committed change part, parsed (for tests and tools; sending reads lines). */
export async function readChangePart(store: ObjectStore, part: PartInfo): Promise<FindingRow[]> {
  const uri = store.uri(part.key);
  const stored = await buffer(await store.getStream(part.key));
  const sha = createHash('sha256').update(stored).digest('hex');
  if (sha !== part.sha256 || stored.byteLength !== part.bytes)
    throw new SecurityHubInputCorruptError(uri, `sha256 or size differ from its manifest's`);
  const rows = rowsOf(gunzip(stored, uri), uri);
  if (rows.length !== part.rows)
    throw new SecurityHubInputCorruptError(uri, `${rows.length} rows, its manifest says ${part.rows}`);
  return rows;
}

/** The rows of a current-table file (one lifecycle partition's open findings). */
export async function readCurrentRows(store: ObjectStore, key: string): Promise<FindingRow[]> {
  const uri = store.uri(key);
  return rowsOf(gunzip(await buffer(await store.getStream(key)), uri), uri);
}
