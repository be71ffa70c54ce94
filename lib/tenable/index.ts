/**
 * The Tenable Security Center client: typed, retrying, TLS-strict, and safe with keys.
 * See {@link ScClient}.
 */
export { type AnalysisFilter, type AnalysisQuery, analysisRequestBody } from './analysis';
export { AnalysisPage, type RowText } from './analysis-page';
export { type CallOptions, ScClient, type ScResponse } from './client';
export { createScClient, recordAttempt, type ScClientDeps, type ScConnection } from './connect';
export * from './constants';
export type { ScDeadline } from './deadline';
export { envelopeOf, parseEnvelope, type ScEnvelope } from './envelope';
export { isScError, SC_ERROR_CODES, ScError, type ScErrorCode, type ScErrorDetails } from './errors';
export {
  type AttemptInfo,
  isLoopbackHost,
  type KeyProvider,
  parseBaseUrl,
  type ScClientOptions,
} from './options';
export { PagePool } from './page-pool';
export { splitResults, topLevelFields } from './page-text';
export { backoffDelay, parseRetryAfter, type RetryPolicy } from './retry';
export type { RowKind } from './row-identity';
export {
  DEFAULT_READ_AHEAD,
  type FetchPage,
  type LandmarkedPage,
  type PageCursor,
  START_CURSOR,
  type StablePage,
  type StablePagerOptions,
  stablePages,
} from './stable-pager';
export { ADMINISTRATOR_ROLE_ID, parseCurrentUser, type ScUser } from './user';
