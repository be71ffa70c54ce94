import { ErrorCode, Sc2awsError } from '#lib/errors';

/** Full addresses for an {@link OcsfInputCorruptError}: the findings part, and its delivery's state folder when known. */
export interface OcsfInputAddress {
  part: string;
  state?: string;
}

/**
 * A delivered findings part is not what its delivery recorded: nothing of it becomes OCSF. A plain
 * redelivery would continue the OCSF phase from the same record, so the fix starts the run over.
 */
export class OcsfInputCorruptError extends Sc2awsError {
  constructor(where: OcsfInputAddress, detail: string) {
    const folder =
      where.state ??
      'its delivery state folder (state/delivery/dataset=<d>/run=<runId>/ under the data prefix)';
    super(
      ErrorCode.OcsfInputCorrupt,
      `Findings part ${where.part} is not what the delivery recorded for it (${detail}): it changed after it was written, so no OCSF file was made from it. Fix: delete the run's delivery state, every object under ${folder}, then redeliver the run: its findings are written again under the same keys, then the OCSF files from them.`,
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
