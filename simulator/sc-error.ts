/**
 * An error SC would answer with its JSON envelope. Handlers throw it; the router renders it.
 * SC uses 403 for almost every refusal, including validation (reference §1.2).
 */
export class ScRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    readonly errorMsg: string,
  ) {
    super(errorMsg.trim() || `SC error ${errorCode}`);
    this.name = 'ScRequestError';
  }
}

/** Error code SC uses for invalid analysis parameters (reference §1.2, §3.1). */
const INVALID_PARAMETERS = 146;

/**
 * A 403 / 146 refusal with SC's wording; the message ends with "\n" like SC's (reference §1.2).
 *
 * @example throw invalidParameters("The filter 'foo' is invalid (valid filters: ...).")
 */
export function invalidParameters(detail: string): ScRequestError {
  return new ScRequestError(
    403,
    INVALID_PARAMETERS,
    `Invalid parameters specified for the query. ${detail}\n`,
  );
}
