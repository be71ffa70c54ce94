import { ErrorCode, Sc2awsError } from '#lib/errors';

/** A delivered findings part is not what its manifest says: nothing of it becomes OCSF. */
export class OcsfInputCorruptError extends Sc2awsError {
  constructor(key: string, detail: string) {
    super(
      ErrorCode.OcsfInputCorrupt,
      `Delivered part ${key} does not match its manifest (${detail}), so no OCSF file was written for it. Fix: redeliver the run (the findings are rewritten under the same keys), then write its OCSF files again.`,
    );
  }
}

/** Security Lake refused sc2aws (the provider role, or a write to its bucket). */
export class SecurityLakeWriteError extends Sc2awsError {
  constructor(what: string, cause: string, options?: { cause?: unknown }) {
    super(
      ErrorCode.SecurityLakeWriteFailed,
      `Security Lake refused ${what} (${cause}). The run's OCSF files stay in the data bucket and the run is not committed; a retried commit copies them again under the same keys. Fix: check that SECURITY_LAKE_FINDINGS_ROLE_ARN (or SECURITY_LAKE_ASSETS_ROLE_ARN, for hosts) is the provider role Security Lake created for the source, that SECURITY_LAKE_EXTERNAL_ID is the external id given when registering it, and that the role trusts this deployment's forward-results role.`,
      options,
    );
  }
}
