import { ErrorCode, Sc2awsError } from '#lib/errors';

/** A finding sc2aws made does not fit AWS's model of ASFF; nothing of its batch was sent. */
export class AsffInvalidError extends Sc2awsError {
  constructor(id: string, problems: readonly string[]) {
    super(
      ErrorCode.SecurityHubFindingInvalid,
      `The ASFF finding ${id} does not fit AWS's model of ASFF (${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}); it was not sent. This is a bug in sc2aws's mapping: please report it with the problems above. Fix meanwhile: none needed for other findings; the run continues when the mapping is fixed.`,
    );
  }
}

/** Security Hub refused a call, or kept throttling or failing it until the attempts ran out. */
export class SecurityHubImportError extends Sc2awsError {
  constructor(what: string, fix: string, cause?: unknown) {
    super(
      ErrorCode.SecurityHubImportFailed,
      `Security Hub BatchImportFindings failed: ${what}. What was sent before stays sent, and the run continues from the batch that failed. Fix: ${fix}`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/** The fix for a refused call, by Security Hub's error name. */
export function fixForImportError(name: string): string {
  switch (name) {
    case 'InvalidAccessException':
      return 'enable Security Hub CSPM in this account and Region (`aws securityhub enable-security-hub`), then redeliver the run.';
    case 'AccessDeniedException':
    case 'AccessDenied':
      return "give the caller securityhub:BatchImportFindings on the account's own product ARN (…:product/<account>/default); the stack does this with securityHubOutput=on.";
    case 'InvalidInputException':
      return 'this is a finding Security Hub rejects although it fits the model: please report it; the message above names the field.';
    default:
      return 'check Security Hub CSPM in this account and Region, then redeliver the run; a rerun sends only what was not sent.';
  }
}
