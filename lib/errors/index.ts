/**
 * The one error hierarchy of sc2aws and its closed set of codes. See {@link Sc2awsError} and
 * {@link ErrorCode}.
 */
export { ErrorCode } from './codes';
export {
  CONNECT_FAILURE_CODES,
  isTlsFailureCode,
  NETWORK_FAILURE_CODES,
  NodeCode,
  UndiciCode,
} from './outside-codes';
export { codeOf, isSc2awsError, Sc2awsError } from './sc2aws-error';
export {
  type DocumentSchema,
  type ParsedDocument,
  parseDocument,
  type SchemaIssue,
  schemaProblem,
} from './schema-problem';
