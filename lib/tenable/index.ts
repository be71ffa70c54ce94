/**
 * The Tenable Security Center client: typed, retrying, TLS-strict, and safe with keys.
 * See {@link ScClient}. Only what other folders use is exported here: the client's own parts
 * (body splitting, page pool, retry timing, envelope parsing) are its business.
 */
export type { AnalysisFilter, AnalysisQuery } from './analysis';
export { AnalysisPage, type RowText } from './analysis-page';
export { type CallOptions, ScClient, type ScResponse } from './client';
export { createScClient, type ScClientDeps, type ScConnection } from './connect';
export * from './constants';
export type { ScDeadline } from './deadline';
export { envelopeOf, type ScEnvelope } from './envelope';
export { isScError, ScError, type ScErrorCode, type ScErrorDetails } from './errors';
export {
  type AttemptInfo,
  type KeyProvider,
  parseBaseUrl,
  type ScClientOptions,
} from './options';
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
