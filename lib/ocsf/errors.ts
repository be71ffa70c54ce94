import { ErrorCode, Sc2awsError } from '#lib/errors';

/** Full addresses for an {@link OcsfInputCorruptError}: the findings part, and its delivery's state folder when known. */
export interface OcsfInputAddress {
  part: string;
  state?: string;
}

/**
 * A part an OCSF file is made from is not what its delivery recorded: nothing of it becomes OCSF.
 * A plain redelivery would continue the OCSF phase from the same record, so the fix starts the run
 * over. A findings part is then written again; a change part cannot be (the lifecycle already moved
 * past the run), so its fix rebuilds the lifecycle, which writes every change run again.
 */
export class OcsfInputCorruptError extends Sc2awsError {
  constructor(where: OcsfInputAddress, detail: string) {
    const folder =
      where.state ??
      'its delivery state folder (state/delivery/dataset=<d>/run=<runId>/ under the data prefix)';
    const changes = /\/changes\/dt=[^/]+\/run=[^/]+\/part-\d+\.ndjson\.gz$/.test(where.part);
    const fix = changes
      ? `rebuild the finding lifecycle with \`sc2aws lifecycle rebuild --from <the data prefix> --replace\`, which writes every change run again under the same keys, then delete every object under ${folder} and redeliver the run`
      : `delete the run's delivery state, every object under ${folder}, then redeliver the run: its findings are written again under the same keys, then the OCSF files from them`;
    super(
      ErrorCode.OcsfInputCorrupt,
      `${changes ? 'Change part' : 'Findings part'} ${where.part} is not what the delivery recorded for it (${detail}): it changed after it was written, so no OCSF file was made from it. Fix: ${fix}.`,
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
