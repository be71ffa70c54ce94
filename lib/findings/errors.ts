import { Sc2awsError } from '#lib/errors';

/** The stable codes of lib/findings; callers branch on these, never on message text. */
export const FindingsErrorCode = {
  /** One SC row cannot be delivered: an identity field is missing or a value cannot be read. */
  ROW_REJECTED: 'FINDINGS_ROW_REJECTED',
  /** An option (run id, time, cap, DDL location…) is unusable: a wiring mistake, not bad data. */
  OPTION_INVALID: 'FINDINGS_OPTION_INVALID',
} as const;

/**
 * One row cannot be delivered. `reason` is short and names the SC field (`port: not a number
 * ("abc")`); it quotes at most a 32-character snippet of the bad value, never the row.
 * {@link normalizeRow} turns it into `{ ok: false, reason }`; {@link findingId} lets it through.
 */
export class RowRejectedError extends Sc2awsError {
  declare readonly code: typeof FindingsErrorCode.ROW_REJECTED;
  /** The SC field at fault, in SC's own spelling (`lastSeen`, `repository.id`). */
  readonly field: string;
  /** `<field>: <problem>`, the text that goes into the rejected part. */
  readonly reason: string;

  constructor(field: string, problem: string) {
    const reason = `${field}: ${problem}`;
    super(FindingsErrorCode.ROW_REJECTED, `SC row rejected: ${reason}.`);
    this.field = field;
    this.reason = reason;
  }
}

/** An option that cannot work (context, DDL); the message names the option and a good value. */
export class FindingsOptionError extends Sc2awsError {
  declare readonly code: typeof FindingsErrorCode.OPTION_INVALID;
  readonly option: string;

  constructor(option: string, problem: string, example: string) {
    super(
      FindingsErrorCode.OPTION_INVALID,
      `Findings option ${option} ${problem}. Example: ${option}: ${example}`,
    );
    this.option = option;
  }
}
