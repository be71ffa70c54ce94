/** The units sc2aws records in (CloudWatch's names). */
export type MetricUnit = 'Count' | 'Bytes' | 'Seconds' | 'Milliseconds';

/** Dimension names and values of one data point, e.g. `{ dataset: 'vulns' }`. */
export type Dimensions = Readonly<Record<string, string>>;

/**
 * The metrics surface lib/ code records to; the Lambdas' Powertools adapter
 * ({@link createLambdaMetrics}), the CLI's {@link noMetrics} and test recorders satisfy it.
 * Every value also carries the function's `service` dimension in the Lambdas.
 *
 * @example
 * ```ts
 * metrics.addMetric('RowsExported', 'Count', rows, { dataset: 'vulns' });
 * ```
 */
export interface Metrics {
  addMetric(name: string, unit: MetricUnit, value: number, dimensions?: Dimensions): void;
}

/** Drops every value (the CLI, which reports on stdout instead). */
export const noMetrics: Metrics = { addMetric() {} };
