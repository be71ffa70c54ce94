import { ErrorCode, Sc2awsError } from '#lib/errors';

/** Where a raw part and its manifest are: full addresses (`s3://bucket/prefix/…` or paths), for messages. */
export interface RawPartAddress {
  part: string;
  manifest: string;
}

/**
 * A raw part's bytes are not what its manifest recorded (sha256, size, rows, gzip NDJSON): it
 * changed after the export wrote it. The bucket is versioned, so its written version is still there.
 */
export class PartIntegrityError extends Sc2awsError {
  constructor(where: RawPartAddress, detail: string) {
    super(
      ErrorCode.RawPartCorrupt,
      `Raw part ${where.part} is not what its manifest ${where.manifest} records (${detail}): it changed after the export wrote it. Nothing of this run was committed or announced. Fix: restore the part's earlier version (the data bucket is versioned), then redeliver the run ({"manifest":"${where.manifest}"} to forward-results, or sc2aws deliver --from that manifest); if no earlier version matches, pull the window again with sc2aws export --since <the manifest's window.startIso>, which makes a new run, and deliver that one.`,
    );
  }
}
