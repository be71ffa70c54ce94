import { ErrorCode, Sc2awsError } from '#lib/errors';

/**
 * One row cannot be delivered. `reason` is short and names the SC field (`port: not a number
 * ("abc")`); it quotes at most a 32-character snippet of the bad value, never the row.
 * {@link normalizeRow} turns it into `{ ok: false, reason }`; {@link findingId} lets it through.
 */
export class RowRejectedError extends Sc2awsError {
  declare readonly code: typeof ErrorCode.FindingsRowRejected;
  /** The SC field at fault, in SC's own spelling (`lastSeen`, `repository.id`). */
  readonly field: string;
  /** `<field>: <problem>`, the text that goes into the rejected part. */
  readonly reason: string;

  constructor(field: string, problem: string) {
    const reason = `${field}: ${problem}`;
    super(ErrorCode.FindingsRowRejected, `SC row rejected: ${reason}.`);
    this.field = field;
    this.reason = reason;
  }
}

/** An option that cannot work (context, DDL); the message names the option and a good value. */
export class FindingsOptionError extends Sc2awsError {
  declare readonly code: typeof ErrorCode.FindingsOptionInvalid;
  readonly option: string;

  constructor(option: string, problem: string, example: string) {
    super(
      ErrorCode.FindingsOptionInvalid,
      `Findings option ${option} ${problem}. Example: ${option}: ${example}`,
    );
    this.option = option;
  }
}
