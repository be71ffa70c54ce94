/**
 * A partition's two objects, host by host.
 *
 * - The state object is gzip members: first an index (JSON: each host's byte ranges and counts),
 *   then one member per host, its findings' states as NDJSON in finding_id order.
 * - The current object is one member per host, its open findings' current rows. Concatenated gzip
 *   members are one gzip stream, so the current table stays gzip NDJSON to its readers.
 *
 * A run rewrites the members of the hosts it holds and copies the others' bytes as they are: a host
 * it did not scan is neither inflated, parsed nor compressed again. A partition of a dense state
 * holds a few dozen hosts, and a run usually scanned one or two of them.
 *
 * States written before the index (one JSON document a partition, `index` absent from the root) are
 * still read; the first run that changes such a partition writes it host by host.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod/mini';
import { parseDocument } from '#lib/errors';
import { LIFECYCLE_VERSION, PARTITIONS } from './constants';
import { LifecycleStateCorruptError } from './errors';
import {
  type FindingState,
  findingStateSchema,
  type PartitionObjects,
  partitionDocumentSchema,
} from './schema';

/** Level 1, as the export's and the delivery's parts: at level 6 gzip was a third of the lifecycle's time. */
const GZIP_LEVEL = 1;

const count = z.int().check(z.nonnegative());
/** A member's place in its object: [offset, bytes]. */
const rangeSchema = z.tuple([count, count]);

/** The state object's first member. */
const partitionIndexSchema = z.object({
  lifecycleVersion: z.literal(LIFECYCLE_VERSION),
  partition: z.int().check(z.nonnegative(), z.lt(PARTITIONS)),
  /** In asset_id order. */
  hosts: z.array(
    z.object({
      asset_id: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
      state: rangeSchema,
      current: z.nullable(rangeSchema),
      findings: count,
      open: count,
    }),
  ),
});

/** One host's share of a partition: as stored (compressed members) or as just applied. */
export interface PartitionHost {
  assetId: string;
  findings: number;
  open: number;
  /** Its members' bytes, when it is as stored (or freshly encoded). */
  state?: Uint8Array;
  current?: Uint8Array | null;
  /** Its states and current rows, when they are in memory (a partition stored before the index). */
  decoded?: { states: FindingState[]; current: string[] };
}

/** A partition's hosts by asset_id, and where they were read from (for error messages). */
export interface PartitionContent {
  uri: string;
  hosts: Map<string, PartitionHost>;
}

const ASSET_ID_OF_LINE = '{"finding_id":"'.length + 32 + '","asset_id":"'.length;

/** The asset_id of a current row (its second field, as the normalizer writes it). */
function assetIdOfLine(line: string): string {
  return line.slice(ASSET_ID_OF_LINE, ASSET_ID_OF_LINE + 32);
}

function inflate(bytes: Uint8Array, uri: string): string {
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch {
    throw new LifecycleStateCorruptError(uri, 'it is not gzip');
  }
}

function linesOf(text: string): string[] {
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

/**
 * Reads a partition's objects: the index and each host's member bytes, or (stored before the index)
 * the whole partition decoded.
 */
export function partitionContent(
  partition: number,
  objects: PartitionObjects,
  uris: { state: string; current: string | undefined },
  state: Uint8Array,
  current: Uint8Array | undefined,
): PartitionContent {
  const hosts = new Map<string, PartitionHost>();
  if (objects.index === undefined) return legacyContent(partition, uris, state, current);
  const parsed = parseDocument(partitionIndexSchema, inflate(state.subarray(0, objects.index), uris.state));
  if (!parsed.ok) throw new LifecycleStateCorruptError(uris.state, parsed.problem);
  if (parsed.value.partition !== partition)
    throw new LifecycleStateCorruptError(
      uris.state,
      `it holds partition ${parsed.value.partition}, not ${partition}`,
    );
  // Ranges in the state object count from the end of the index member.
  const body = state.subarray(objects.index);
  const slice = (bytes: Uint8Array | undefined, [at, length]: [number, number], uri: string) => {
    if (bytes === undefined || at + length > bytes.byteLength)
      throw new LifecycleStateCorruptError(uri, `its index names bytes ${at}–${at + length}, past its end`);
    return bytes.subarray(at, at + length);
  };
  for (const h of parsed.value.hosts) {
    hosts.set(h.asset_id, {
      assetId: h.asset_id,
      findings: h.findings,
      open: h.open,
      state: slice(body, h.state, uris.state),
      current: h.current === null ? null : slice(current, h.current, uris.current ?? uris.state),
    });
  }
  return { uri: uris.state, hosts };
}

function legacyContent(
  partition: number,
  uris: { state: string; current: string | undefined },
  state: Uint8Array,
  current: Uint8Array | undefined,
): PartitionContent {
  const parsed = parseDocument(partitionDocumentSchema, inflate(state, uris.state));
  if (!parsed.ok) throw new LifecycleStateCorruptError(uris.state, parsed.problem);
  if (parsed.value.partition !== partition)
    throw new LifecycleStateCorruptError(
      uris.state,
      `it holds partition ${parsed.value.partition}, not ${partition}`,
    );
  const hosts = new Map<string, PartitionHost>();
  const hostOf = (assetId: string) => {
    let host = hosts.get(assetId);
    if (host === undefined) {
      host = { assetId, findings: 0, open: 0, decoded: { states: [], current: [] } };
      hosts.set(assetId, host);
    }
    return host;
  };
  for (const s of parsed.value.findings) {
    const host = hostOf(s.asset_id);
    host.decoded?.states.push(s);
    host.findings += 1;
  }
  if (current !== undefined) {
    const uri = uris.current ?? uris.state;
    for (const line of linesOf(inflate(current, uri))) {
      if (!line.startsWith('{"finding_id":"'))
        throw new LifecycleStateCorruptError(uri, 'a line is not a current finding row');
      const host = hostOf(assetIdOfLine(line));
      host.decoded?.current.push(line);
      host.open += 1;
    }
  }
  return { uri: uris.state, hosts };
}

/** A host's finding states, each parsed against the schema. */
export function hostStates(host: PartitionHost, uri: string): FindingState[] {
  if (host.decoded !== undefined) return host.decoded.states;
  const states: FindingState[] = [];
  for (const line of linesOf(inflate(host.state as Uint8Array, uri))) {
    const parsed = parseDocument(findingStateSchema, line);
    if (!parsed.ok) throw new LifecycleStateCorruptError(uri, `host ${host.assetId}: ${parsed.problem}`);
    if (parsed.value.asset_id !== host.assetId)
      throw new LifecycleStateCorruptError(
        uri,
        `host ${host.assetId} holds a finding of ${parsed.value.asset_id}`,
      );
    states.push(parsed.value);
  }
  if (states.length !== host.findings)
    throw new LifecycleStateCorruptError(
      uri,
      `host ${host.assetId} holds ${states.length} findings, its index ${host.findings}`,
    );
  return states;
}

/** A host's current rows. */
export function hostCurrentLines(host: PartitionHost, uri: string): string[] {
  if (host.decoded !== undefined) return host.decoded.current;
  if (host.current == null) return [];
  const lines = linesOf(inflate(host.current, uri));
  for (const line of lines)
    if (!line.startsWith('{"finding_id":"'))
      throw new LifecycleStateCorruptError(uri, 'a line is not a current finding row');
  return lines;
}

const joinLines = (lines: readonly string[]) => lines.map((l) => `${l}\n`).join('');

/** A host as members: its states (finding_id order) and its current rows, each one gzip member. */
export function encodeHost(
  assetId: string,
  states: readonly FindingState[],
  current: readonly string[],
): PartitionHost {
  return {
    assetId,
    findings: states.length,
    open: current.length,
    state: gzipSync(joinLines(states.map((s) => JSON.stringify(s))), { level: GZIP_LEVEL }),
    current: current.length === 0 ? null : gzipSync(joinLines(current), { level: GZIP_LEVEL }),
  };
}

/** A partition's objects, ready to store. */
export interface EncodedPartition {
  state: Buffer;
  /** Null when none of its findings is open. */
  current: Buffer | null;
  /** The index member's bytes at the start of `state`. */
  index: number;
  findings: number;
  open: number;
}

/** Puts a partition's hosts (in memory or as stored) together into its two objects, in asset_id order. */
export function encodePartition(partition: number, hosts: Iterable<PartitionHost>): EncodedPartition {
  const sorted = [...hosts]
    .map((h) => (h.decoded === undefined ? h : encodeHost(h.assetId, h.decoded.states, h.decoded.current)))
    .filter((h) => h.findings > 0)
    .sort((a, b) => (a.assetId < b.assetId ? -1 : 1));
  const stateMembers: Uint8Array[] = [];
  const currentMembers: Uint8Array[] = [];
  let stateAt = 0;
  let currentAt = 0;
  let findings = 0;
  let open = 0;
  const index = sorted.map((h) => {
    const state = h.state as Uint8Array;
    const current = h.current ?? null;
    stateMembers.push(state);
    const entry = {
      asset_id: h.assetId,
      state: [stateAt, state.byteLength],
      current: current === null ? null : [currentAt, current.byteLength],
      findings: h.findings,
      open: h.open,
    };
    stateAt += state.byteLength;
    if (current !== null) {
      currentMembers.push(current);
      currentAt += current.byteLength;
    }
    findings += h.findings;
    open += h.open;
    return entry;
  });
  // Ranges count from the end of the index member, so the index is made once the members are.
  const head = gzipSync(JSON.stringify({ lifecycleVersion: LIFECYCLE_VERSION, partition, hosts: index }), {
    level: GZIP_LEVEL,
  });
  return {
    state: Buffer.concat([head, ...stateMembers]),
    current: currentMembers.length === 0 ? null : Buffer.concat(currentMembers),
    index: head.byteLength,
    findings,
    open,
  };
}
