import { type DeliveryDeps, type DeliveryResult, type DeliverySettings, deliverRun } from '#lib/delivery';

/** The Lambda's defaults (TIME_GUARD_SECONDS, MAX_INVOCATIONS_PER_RUN): tests override what they test. */
export const DELIVERY_SETTINGS: DeliverySettings = {
  pluginOutputMaxBytes: 8192,
  timeGuardMs: 60_000,
  maxInvocations: 24,
};

/** Delivers a raw run in one call and returns what was committed; fails the test otherwise. */
export async function deliverFully(
  deps: DeliveryDeps,
  settings: Partial<DeliverySettings>,
  rawManifestKey: string,
): Promise<DeliveryResult> {
  const outcome = await deliverRun(deps, { ...DELIVERY_SETTINGS, ...settings }, rawManifestKey);
  if (outcome.status !== 'delivered') {
    const where =
      outcome.status === 'locked' ? `by ${outcome.holder}` : `at ${outcome.phase} ${outcome.next}`;
    throw new Error(`expected the run to be delivered in one call, it was ${outcome.status} ${where}`);
  }
  const { status: _, ...result } = outcome;
  return result;
}
