import type { OcsfOutputConfig } from '#lib/config';
import type { OcsfTarget } from '#lib/ocsf';

/**
 * OCSF_OUTPUT as a delivery's OCSF target: off, the data bucket only, or the Security Lake sources
 * as well (written through their provider roles). lib/ocsf (the Parquet writer) and the STS client
 * are loaded only when it is on, so a cold start with OCSF off never pays for them.
 *
 * @example
 * ```ts
 * const ocsf = await ocsfTargetOf(config.ocsf);
 * await deliverRun({ store, events, logger, ...(ocsf === undefined ? {} : { ocsf }) }, settings, key);
 * ```
 */
export async function ocsfTargetOf(ocsf: OcsfOutputConfig): Promise<OcsfTarget | undefined> {
  if (ocsf.output === 'off') return undefined;
  if (ocsf.output === 'bucket') return { kind: 'bucket', version: ocsf.version };
  const { findings, assets, ...lake } = ocsf.securityLake;
  const [{ createSecurityLakeWriter, OCSF_CLASSES }, { STSClient }] = await Promise.all([
    import('#lib/ocsf'),
    import('@aws-sdk/client-sts'),
  ]);
  return {
    kind: 'security-lake',
    version: ocsf.version,
    lake: createSecurityLakeWriter({
      ...lake,
      sources: {
        [OCSF_CLASSES.vulnerabilityFinding.name]: findings,
        [OCSF_CLASSES.deviceInventoryInfo.name]: assets,
      },
      sts: new STSClient({}),
    }),
  };
}
