/**
 * The datasets sc2aws exports and delivers: open findings (SC's cumulative store), fixed findings
 * (its patched store) and hosts (sumip rows), reference §4.2, §5. The one list every layer uses:
 * the export, the delivery, the configuration, and (through infra/vocabulary.json) the deployment.
 */
export const DATASETS = ['vulns', 'fixed', 'assets'] as const;
export type Dataset = (typeof DATASETS)[number];

/** True for a dataset name. */
export function isDataset(value: unknown): value is Dataset {
  return (DATASETS as readonly unknown[]).includes(value);
}
