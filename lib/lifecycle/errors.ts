import { ErrorCode, Sc2awsError } from '#lib/errors';

/** A lifecycle object (the root, a partition's state) does not parse: it is not guessed at. */
export class LifecycleStateCorruptError extends Sc2awsError {
  constructor(uri: string, problem: string) {
    super(
      ErrorCode.StateCorrupt,
      `The finding lifecycle state ${uri} is not a valid state object (${problem}), so the delivery stopped before changing any finding's state. Nothing was lost: every run's findings stay in findings/. Fix: rebuild the state from the delivered runs with \`sc2aws lifecycle rebuild --from <the bucket prefix or directory> --replace\` (the old state is kept aside), then redeliver this run.`,
    );
  }
}

/** Other deliveries kept changing the same partitions: this one stops and continues later. */
export class LifecycleContendedError extends Sc2awsError {
  constructor(uri: string, attempts: number) {
    super(
      ErrorCode.StateConflict,
      `The finding lifecycle state ${uri} was changed by other deliveries ${attempts} times while this run was being applied, each time in partitions this run also changes, so this run was not committed. Nothing is lost: the retry applies it again. Fix: none needed if rare; otherwise check that only one deployment writes to this bucket prefix.`,
    );
  }
}

/**
 * A committed findings part is not what its manifest records: the lifecycle does not apply it, so
 * nothing of it reaches the state, the change feed or the current table.
 */
export class FindingsPartCorruptError extends Sc2awsError {
  constructor(uri: string, detail: string) {
    super(
      ErrorCode.FindingsManifestInvalid,
      `Findings part ${uri} is not what its run's manifest records (${detail}): it changed after the delivery wrote it, so the finding lifecycle did not apply the run and its state is unchanged. Fix: restore the part's earlier version (the data bucket is versioned) and redeliver the run, or redeliver it from its raw manifest ({"manifest":"s3://…/raw/…/_manifest.json"} to forward-results, or sc2aws deliver --redeliver), which writes the same findings again and then applies them.`,
    );
  }
}
