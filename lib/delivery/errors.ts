import { ErrorCode, Sc2awsError } from '#lib/errors';

/** A raw part's bytes do not match the sha256 its manifest recorded. */
export class PartIntegrityError extends Sc2awsError {
  constructor(key: string, detail: string) {
    super(
      ErrorCode.RawPartCorrupt,
      `Raw part ${key} does not match its manifest (${detail}). Nothing was delivered for this run. Fix: re-run the export for this window (the raw run is rewritten under the same keys), then redeliver it.`,
    );
  }
}
