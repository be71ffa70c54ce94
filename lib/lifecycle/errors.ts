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
