import { DetailType } from '#lib/events';
import { MAX_FAILED_IN_EVENT } from './constants';
import type { FailedFinding } from './import-client';
import type { SecurityHubSession } from './session';

/**
 * Findings Security Hub refused after every retry: counted in the `SecurityHubFindingsFailed`
 * metric, named in a `Security Hub Findings Failed` event and the log. None is dropped silently.
 */
export async function reportFailed(
  session: SecurityHubSession,
  source: 'changes' | 'refresh' | 'backfill',
  failed: readonly FailedFinding[],
  run?: { dataset: string; runId: string },
): Promise<void> {
  if (failed.length === 0) return;
  session.metrics.addMetric('SecurityHubFindingsFailed', 'Count', failed.length, { source });
  const findings = failed.slice(0, MAX_FAILED_IN_EVENT).map((f) => ({
    id: f.id,
    errorCode: f.errorCode.slice(0, 128),
    errorMessage: f.errorMessage.slice(0, 512),
  }));
  session.logger.warn('Security Hub refused findings after every retry.', {
    source,
    ...run,
    failed: failed.length,
    first: findings.slice(0, 5),
  });
  await session.events.publish({
    detailType: DetailType.SecurityHubFindingsFailed,
    detail: {
      source,
      ...(run === undefined ? {} : { dataset: run.dataset, runId: run.runId }),
      failed: failed.length,
      findings,
      failedAt: new Date(session.clock()).toISOString(),
    },
  });
}
