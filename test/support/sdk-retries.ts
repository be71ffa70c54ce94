import { ConfiguredRetryStrategy } from '@smithy/core/retry';

/**
 * The AWS SDK's standard retry strategy as the Lambdas get it (`new S3Client({})`: 3 attempts, the
 * same throttling and transient error classes, the same retry quota), without the backoff between
 * attempts: a fault still goes through the SDK's retry middleware attempt for attempt, and the test
 * does not sleep through delays of up to seconds (0.5 s and 1 s bases for throttling) that prove nothing.
 */
export const sdkRetriesWithoutBackoff = () => new ConfiguredRetryStrategy(3, 0);
