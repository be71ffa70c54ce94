/**
 * Public types of the SC simulator. Everything a test, the demo or the CLI needs to drive it.
 * Field names follow SC's wire format where they mirror it (reference §2, §3.3).
 */

import type { NamedRef, VulnDetailsRow } from './row-types';

export type { NamedRef, RepositoryRef, SumIpRow, VulnDetailsRow } from './row-types';

/** An API key pair: each part is 32 lowercase hex characters (reference §1.1). */
export interface SimulatorKeys {
  accessKey: string;
  secretKey: string;
}

/** A user SC knows, with the API key pair it currently holds. */
export interface SimulatorUser {
  id: string;
  username: string;
  roleId: string;
  roleName: string;
  /** The administration organization is the NUMBER 0 on the wire; other ids are strings (reference §2). */
  orgId: string | number;
  orgName: string;
  keys: SimulatorKeys;
}

/** The two vulnerability stores of SC (reference §4.2). */
export type StoreName = 'cumulative' | 'patched';

/** How the simulator answers unknown, revoked or locked keys. */
export type AuthFailureStyle = 'sc-5.20' | 'documented';

/** Options of {@link startSimulator}. Every field is optional; defaults live in constants.ts. */
export interface SimulatorOptions {
  /** Default 1; all data is a pure function of it. */
  seed?: number;
  /** Open (cumulative) findings, default 5000. 1_000_000 is fine: rows are computed, not stored. */
  vulnCount?: number;
  /** Patched (mitigated) findings, default 1000. */
  fixedCount?: number;
  /** Default 300. */
  hostCount?: number;
  /**
   * The seed host addresses derive from, default `seed`. Host h of two simulators with one
   * addressSeed has one address whatever their seeds: two SC consoles scanning overlapping networks.
   */
  addressSeed?: number;
  /** Share of rows with hasBeenMitigated "1", default 0.1. */
  reopenedRatio?: number;
  /** Clock in epoch milliseconds, default Date.now. */
  now?: () => number;
  /** lastSeen values spread over the last N days before the clock reading at start, default 60. */
  spanDays?: number;
  /** Default: one Security Analyst 'svc-sc2aws' in org 'Acme', keys derived from the seed. */
  users?: SimulatorUser[];
  /** Default true ("Allow API Keys" in System > Configuration > Security). */
  apiKeysEnabled?: boolean;
  /** Default 'sc-5.20'. */
  authFailureStyle?: AuthFailureStyle;
  /** Default true; false serves plain http. */
  tls?: boolean;
  /** Default 0 (random). The host is always 127.0.0.1. */
  port?: number;
  /** Default true; false keeps `requests` empty (long benchmarks). */
  recordRequests?: boolean;
  /**
   * Web-application-scanning findings in the cumulative store, default 0 (at most 1000). SC serves
   * them unless the request's `wasVuln` excludes them (reference §3.1); they follow the host findings.
   */
  wasCount?: number;
}

/** Narrows a fault to some requests: the next `times` (default 1) whose path starts with `path`. */
export interface FaultScope {
  times?: number;
  /** Let this many matching requests through unharmed before the fault starts (default 0). */
  after?: number;
  /** Path prefix such as '/rest/analysis'; default: any path. */
  path?: string;
}

/** A failure the simulator injects instead of, or around, its normal answer. */
export type Fault = FaultScope &
  (
    | { kind: 'status'; status: 500 | 502 | 503 | 504 }
    | { kind: 'rate-limit'; retryAfterSeconds: number }
    | { kind: 'reset' }
    | { kind: 'truncate' }
    | { kind: 'html'; status?: number }
    | { kind: 'slow-body'; delayMs: number }
    | { kind: 'latency'; delayMs: number }
    | { kind: 'sc-error'; status?: number; errorCode: number; errorMsg: string }
    | { kind: 'db-locked' }
    /** Reads the request and never answers: no headers, no body, the connection stays open. */
    | { kind: 'hang' }
    /**
     * Answers 200 and streams filler after a JSON prefix, as fast as the client reads, for `bytes`
     * bytes (default: without end). `declareLength` sends `Content-Length: bytes` (needs `bytes`);
     * otherwise the body is chunked.
     */
    | { kind: 'endless-body'; bytes?: number; declareLength?: boolean }
  );

/** What makes a finding unique: SC's vulnUniqueness `repositoryID,ip,port,protocol,pluginID` (reference §3.3). */
export interface Identity {
  repositoryID: string;
  ip: string;
  port: string;
  protocol: string;
  pluginID: string;
}

/** The changes drift made so far. */
export interface DriftLog {
  /** Findings that left the cumulative store (they were mitigated and moved to the patched store). */
  left: Identity[];
  /** New findings that entered the cumulative store. */
  entered: Identity[];
  /** Hosts that left the sumip answers. */
  hostsLeft: HostIdentity[];
}

/**
 * A scan between two pulls, as {@link SimulatorControl.scan} applies it: every change is stamped
 * with the simulator clock. Counts default to 0.
 */
export interface ScanRequest {
  /** Findings seen for the first time: they enter the cumulative store, first and last seen now. */
  newFindings?: number;
  /** Open findings the scan no longer finds: mitigated now, they move to the patched store. */
  fixed?: number;
  /** Mitigated findings found again: back in the cumulative store, last seen now, hasBeenMitigated "1". */
  reopened?: number;
  /**
   * Open findings seen again now under a recast rule: recastRisk "1" and the severity one step up
   * (Critical one step down).
   */
  recast?: number;
  /**
   * Epoch seconds: existing findings are picked among those last seen (open) or mitigated (patched)
   * at or after it, e.g. the start of the windows a client already pulled. Default: any.
   */
  since?: number;
  /** Lowest severity id a picked or created finding has, after a recast too (default 0). */
  minSeverity?: number;
}

/** One finding a scan changed, as SC serves it after the scan. */
export interface ScanChange {
  kind: 'new' | 'fixed' | 'reopened' | 'recast';
  /** The row as served now: from the cumulative store, or the patched one for `fixed`. */
  row: VulnDetailsRow;
  /** The severity before a recast (recast only). */
  previousSeverity?: NamedRef;
}

/** The simulator's own record of one scan. */
export interface ScanRecord {
  /** Epoch seconds of the simulator clock when it ran. */
  at: number;
  changes: ScanChange[];
}

/** What identifies a host in sumip (reference §3.3 `hostUniqueness`). */
export interface HostIdentity {
  repositoryID: string;
  ip: string;
  uuid: string;
  dnsName: string;
}

/** `returnedRecords` quirks seen on real servers (reference §3.2, §7.2). */
export type ReturnedRecordsQuirk = 'none' | 'float' | 'absent';

/** Runtime switches; every method is synchronous and takes effect for the next request. */
export interface SimulatorControl {
  /** The user's current keys stop working at once (default: first user). */
  revokeKeys(username?: string): void;
  /** A new pair replaces the old one, which dies at once (reference §6). */
  regenerateKeys(username?: string): SimulatorKeys;
  setApiKeysEnabled(enabled: boolean): void;
  lockUser(username: string, locked: boolean): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Faults still waiting for a matching request. */
  pendingFaults(): number;
  setReturnedRecordsQuirk(mode: ReturnedRecordsQuirk): void;
  /** After each served cumulative vulndetails page, `perPage` rows leave or enter the store. */
  startDrift(options: { perPage: number; seed?: number }): void;
  stopDrift(): void;
  driftLog(): DriftLog;
  /**
   * Runs a scan now: new findings, fixed ones, reopened ones and recast ones, all stamped with the
   * simulator clock. Returns its record; throws when the stores hold too few findings to pick.
   */
  scan(request: ScanRequest): ScanRecord;
  /** The records of every scan so far, oldest first. */
  scanLog(): ScanRecord[];
  /** Server-side cap on rows per page; undefined removes it. */
  setPageLimit(limit?: number): void;
  /**
   * Where the paging offsets are read: `either` (root first, then `query`, as SC does; the
   * default), only the `root` (SC's documentation), only inside `query` (pyTenable's requests), or
   * `ignored` (a proxy that drops them: every request gets the first page).
   */
  setOffsetsRead(mode: OffsetsRead): void;
  /** Responses a `hang` or `endless-body` fault keeps open right now. */
  heldResponses(): number;
  /** Resolves once at least `count` (default 1) responses are held. */
  whenHeld(count?: number): Promise<void>;
  /** Resolves once no response is held: every client hung up (or the simulator closed). */
  whenNoneHeld(): Promise<void>;
}

export type OffsetsRead = 'either' | 'root' | 'query' | 'ignored';

/** One request as the simulator saw it; secrets are replaced by '[present]'. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string including '?', or ''. */
  query: string;
  headers: Record<string, string>;
  body: unknown;
  /** Epoch milliseconds from the simulator clock. */
  at: number;
}

/** A `query.filters` entry of POST /rest/analysis (reference §3.1). */
export interface AnalysisFilter {
  filterName: string;
  operator: string;
  value: unknown;
}

/** The parts of an analysis request that select and order rows, for {@link DatasetInfo}. */
export interface DatasetQuery {
  sourceType?: StoreName;
  filters?: AnalysisFilter[];
  sortField?: string;
  sortDir?: 'ASC' | 'DESC';
}

/** Read-only views of the generated data, so tests can compute what an export must contain. */
export interface DatasetInfo {
  readonly seed: number;
  /** Epoch seconds of the clock at start: the newest lastSeen / lastMitigated. */
  readonly generatedAt: number;
  /** lastSeen values lie in [generatedAt - spanSeconds, generatedAt]. */
  readonly spanSeconds: number;
  readonly hostCount: number;
  /** Rows the store was generated with (drift not counted). */
  size(store: StoreName): number;
  /** Identity of generated row `index` of a store. */
  identity(store: StoreName, index: number): Identity;
  /** Generated row `index` of a store, as served. */
  rowAt(store: StoreName, index: number): VulnDetailsRow;
  /** lastSeen (cumulative) or lastMitigated (patched) of generated row `index`, epoch seconds. */
  timeAt(store: StoreName, index: number): number;
  /** Rows matching the query right now (drift included); throws on a query SC would reject. */
  countMatching(query: DatasetQuery): number;
  /** The rows matching the query when called, in the order SC would page them (don't drift while iterating). */
  rowsMatching(query: DatasetQuery): IterableIterator<VulnDetailsRow>;
}

/** A running simulator. */
export interface SimulatorHandle {
  url: string;
  /** PEM of the CA that signed the server certificate ('' when tls is false). */
  caPem: string;
  /** The first user's current keys. */
  readonly keys: SimulatorKeys;
  users: SimulatorUser[];
  control: SimulatorControl;
  requests: RecordedRequest[];
  dataset: DatasetInfo;
  /** Closes the server and destroys open sockets, held ones included. */
  close(): Promise<void>;
}
