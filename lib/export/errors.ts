import { ErrorCode, Sc2awsError } from '#lib/errors';

/** A run took more invocations than allowed: it fails instead of chaining continuations forever. */
export class ExportInvocationLimitError extends Sc2awsError {
  constructor(dataset: string, runId: string, invocations: number, limit: number) {
    super(
      ErrorCode.ExportInvocationLimit,
      `Run ${runId} of dataset "${dataset}" has taken ${invocations} invocations, more than MAX_INVOCATIONS_PER_RUN (${limit}): it was stopped instead of continued again. Its parts are kept and the checkpoint did not move. Fix: look at the earlier invocations' logs (a very large window, or paging that crawls); raise maxInvocationsPerRun to let it finish, or run it with \`sc2aws export\`.`,
    );
  }
}
