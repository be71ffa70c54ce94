import type { SecurityHubSessionOptions } from '#lib/securityhub';
import { type HeldLease, type LeaseRequest, type RefusedLease, takeDeliveryLease } from './lease';
import type { RunDelivery } from './run-delivery';

/**
 * SECURITY_HUB_OUTPUT=on: how forward-results and the CLI send to Security Hub (the import call or
 * `onBatch`, the account and Region, the settings). The delivery adds its store, logger, events and
 * time guard.
 */
export type SecurityHubDelivery = Omit<
  SecurityHubSessionOptions,
  'store' | 'logger' | 'events' | 'shouldStop'
>;

/** How often an invocation waiting for the sender lease looks again. */
const SENDER_POLL_MS = 2_000;

/**
 * Who asks for the sender lease (as for a run's lease: `dataset` and `runId` name the run being sent,
 * or what the CLI sends; `remainingMs` absent: wait as long as it takes), and how long it may wait.
 */
export interface SenderLeaseRequest extends Omit<LeaseRequest, 'key' | 'takeOverFrom'> {
  /** Give up waiting with this little time left. */
  timeGuardMs: number;
  shouldStop: () => boolean;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Takes the deployment's one Security Hub sender lease (`state/securityhub/sender-lease.json`). One
 * sender at a time makes its token bucket the account's (10 calls/s, burst 30, whatever the number
 * of deliveries running) and keeps the ledger single-writer. Refused, it waits while the invocation
 * has time to spare (polling), so a second run's delivery queues behind the first; out of time or
 * stopped it gives up, and the delivery continues in a new invocation.
 *
 * @example
 * ```ts
 * const lease = await takeSenderLease({ store, logger, dataset: 'backfill', runId: 'cli', timeGuardMs: 0, shouldStop });
 * if (lease.held) try { … } finally { await lease.release(); }
 * ```
 */
export async function takeSenderLease(request: SenderLeaseRequest): Promise<HeldLease | RefusedLease> {
  const { SENDER_LEASE_KEY } = await import('#lib/securityhub');
  const leaseRequest = { ...request, key: SENDER_LEASE_KEY };
  const sleep = request.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  let lease = await takeDeliveryLease(leaseRequest);
  let logged = false;
  while (!lease.held) {
    const left = request.remainingMs?.();
    if (request.shouldStop() || (left !== undefined && left - SENDER_POLL_MS < request.timeGuardMs))
      return lease;
    if (!logged) {
      request.logger.info('Another invocation is sending to Security Hub; waiting for its turn.', {
        dataset: request.dataset,
        runId: request.runId,
        holder: lease.holder,
      });
      logged = true;
    }
    await sleep(SENDER_POLL_MS);
    lease = await takeDeliveryLease(leaseRequest);
  }
  return lease;
}

/**
 * Phase `securityhub`: the committed change run sent to Security Hub (lib/securityhub's
 * `sendChangeRun`, which keeps where it stands), then the open findings due for a refresh. False
 * when it stopped early (out of time, cancelled, or the sender lease stayed taken): the delivery
 * continues in a new invocation and the send where it stopped.
 */
export async function securityHub(run: RunDelivery): Promise<boolean> {
  const options = run.deps.securityHub;
  const changes = run.state.changes;
  if (options === undefined || changes === undefined) return true;
  // Loaded here, not at start: with Security Hub output off a cold start never pays for it.
  const { createSecurityHubSession, refreshOpenFindings, sendChangeRun } = await import('#lib/securityhub');
  const lease = await takeSenderLease({
    ...run.deps,
    store: run.deps.deploymentStore ?? run.deps.store,
    dataset: run.raw.dataset,
    runId: run.raw.runId,
    timeGuardMs: run.settings.timeGuardMs,
    shouldStop: () => run.shouldStop(),
  });
  if (!lease.held) return false;
  try {
    const session = createSecurityHubSession({
      ...options,
      store: run.deps.store,
      logger: run.deps.logger,
      events: run.deps.events,
      shouldStop: () => run.shouldStop(),
    });
    const sent = await sendChangeRun(session, changes.manifestKey);
    if (sent.status === 'stopped') return false;
    // Best effort within this invocation: what it leaves, the next run's refresh picks up.
    const refreshed = await refreshOpenFindings(session);
    run.state.securityHub = { ...sent.counts, refreshed: refreshed.counts.sent };
    run.deps.logger.info('Security Hub output done.', {
      dataset: run.raw.dataset,
      runId: run.raw.runId,
      ...run.state.securityHub,
      alreadySent: sent.already,
    });
    return true;
  } finally {
    await lease.release();
  }
}
