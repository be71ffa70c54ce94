import type { Dataset } from '#lib/product';
import type { DeliveredAsset } from './delivered-asset';
import type { DeliveredFinding } from './delivered-finding';

export type { Dataset };

/** What every row of one run shares: where it came from and how to shape it. */
export interface NormalizeContext {
  dataset: Dataset;
  runId: string;
  /** The run time as `Date.prototype.toISOString` text (UTC, milliseconds) — not first seen. */
  collectedAt: string;
  /** SC's host name, e.g. `sc.example.com`. */
  scHost: string;
  /** SC's version (`5.20.1`) when the run learnt it, else null. */
  scVersion: string | null;
  /** The console of the deployment the run came from (README "Several SC consoles"). */
  consoleId: string;
  /** Cap on `plugin_output` in UTF-8 bytes; see {@link DEFAULT_PLUGIN_OUTPUT_MAX_BYTES}. */
  pluginOutputMaxBytes: number;
}

/** A delivered row, or why the SC row cannot be delivered (`<field>: <problem>`). */
export type NormalizeResult =
  | { ok: true; row: DeliveredFinding | DeliveredAsset }
  | { ok: false; reason: string };

/** `{id, name}` of an SC object (repository); ids stay strings, they are opaque SC keys. */
export interface NamedId {
  id: string | null;
  name: string | null;
}

/** A row as it comes off the wire, before any check. */
export type WireRow = Record<string, unknown>;
