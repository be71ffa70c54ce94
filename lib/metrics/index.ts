/**
 * lib/metrics: the one metrics port lib/ code records to, and its adapters.
 *
 * @example
 * ```ts
 * import { createLambdaMetrics } from '#lib/metrics';
 * const metrics = createLambdaMetrics('validate-keys');
 * metrics.addMetric('KeyValidationSucceeded', 'Count', 1);
 * metrics.publish();
 * ```
 */
export { type Dimensions, type Metrics, type MetricUnit, noMetrics } from './metrics';
export { createLambdaMetrics, type LambdaMetrics } from './powertools';
