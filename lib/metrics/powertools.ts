import { Metrics as PowertoolsMetrics, MetricUnit as PowertoolsUnit } from '@aws-lambda-powertools/metrics';
import { PRODUCT_NAME } from '#lib/product';
import type { Dimensions, Metrics, MetricUnit } from './metrics';

/** The Lambda's metrics: {@link Metrics} plus the flush at the end of an invocation. */
export interface LambdaMetrics extends Metrics {
  /** Writes the values held back for this invocation (call it in the handler's `finally`). */
  publish(): void;
}

/**
 * Powertools Metrics (CloudWatch EMF on stdout) in the `sc2aws` namespace. Values without
 * dimensions are held and written together by {@link LambdaMetrics.publish}; a value with
 * dimensions is written at once on its own, since one EMF record has one set of dimensions.
 *
 * @example
 * ```ts
 * const metrics = createLambdaMetrics('pull-analysis');
 * try { … metrics.addMetric('ScRetries', 'Count', 1); } finally { metrics.publish(); }
 * ```
 */
export function createLambdaMetrics(serviceName: string): LambdaMetrics {
  const metrics = new PowertoolsMetrics({ namespace: PRODUCT_NAME, serviceName });
  return {
    addMetric(name: string, unit: MetricUnit, value: number, dimensions?: Dimensions): void {
      if (dimensions === undefined) {
        metrics.addMetric(name, PowertoolsUnit[unit], value);
        return;
      }
      const single = metrics.singleMetric();
      for (const [dimension, dimensionValue] of Object.entries(dimensions)) {
        single.addDimension(dimension, dimensionValue);
      }
      single.addMetric(name, PowertoolsUnit[unit], value);
    },
    publish(): void {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
