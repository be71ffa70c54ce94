/**
 * Tenable Security Center simulator: an HTTPS server on 127.0.0.1 that answers like SC's REST API
 * (quirks included) with fault injection and data drift, for tests, the demo and benchmarks.
 * Importable as `#sim`.
 *
 * @example
 * ```ts
 * import { startSimulator } from '#sim';
 * const sim = await startSimulator({ seed: 7, vulnCount: 1_000_000 });
 * sim.control.injectFault({ kind: 'status', status: 503, path: '/rest/analysis' });
 * await sim.close();
 * ```
 */
export { AUTH_ERRORS, parseApiKeyHeader } from './auth';
export { DB_LOCKED_MESSAGE } from './faults';
export { identityKey, identityOfRow } from './rows';
export { startSimulator } from './server';
export type {
  AnalysisFilter,
  AuthFailureStyle,
  DatasetInfo,
  DatasetQuery,
  DriftLog,
  Fault,
  FaultScope,
  HostIdentity,
  Identity,
  NamedRef,
  RecordedRequest,
  RepositoryRef,
  ReturnedRecordsQuirk,
  ScanChange,
  ScanRecord,
  ScanRequest,
  SimulatorControl,
  SimulatorHandle,
  SimulatorKeys,
  SimulatorOptions,
  SimulatorUser,
  StoreName,
  SumIpRow,
  VulnDetailsRow,
} from './types';
export { keysFor } from './users';
