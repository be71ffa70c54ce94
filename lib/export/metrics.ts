import type { Metrics } from '#lib/metrics';
import type { ExportMetrics } from './types';

/**
 * The export's metrics on the shared port: each value with its dataset as its one dimension.
 *
 * @example
 * ```ts
 * const deps = { …, metrics: exportMetrics(createLambdaMetrics('pull-analysis')) };
 * ```
 */
export function exportMetrics(metrics: Metrics): ExportMetrics {
  return { record: (dataset, name, unit, value) => metrics.addMetric(name, unit, value, { dataset }) };
}
